# Cross-check of `normkit run layer_norm --direction all` against NumPy in float64. Not part of the build (the build
# has no Python); run by hand after `./normkit paths` has built the jar:
#   python3 bench/src/test/numpy/layer_norm_all.py scalar vector onednn
# Prints the largest error per path and output, |got - want| / max(|want|, 1), and fails above 1e-5.
import os, subprocess, sys, tempfile, numpy as np
root = os.path.dirname(os.path.abspath(__file__)) + "/../../../.."
work = tempfile.mkdtemp(prefix="normkit-numpy-")
rng = np.random.default_rng(7)
shape = (4, 6, 300)            # layer norm over the last axis, 24 rows
x = (rng.standard_normal(shape) * 3 + 1.5).astype(np.float32)
g = (rng.standard_normal(shape[-1]) * 0.25 + 1).astype(np.float32)
b = (rng.standard_normal(shape[-1]) * 0.5).astype(np.float32)
dy = rng.standard_normal(shape).astype(np.float32)
for n, a in dict(x=x, g=g, b=b, dy=dy).items(): np.save(f"{work}/{n}.npy", a)
eps = 1e-5
X, G, B, DY = (a.astype(np.float64) for a in (x, g, b, dy))
mu = X.mean(-1); var = X.var(-1); rstd = 1 / np.sqrt(var + eps)
xhat = (X - mu[..., None]) * rstd[..., None]
y = xhat * G + B
dxhat = DY * G
dx = rstd[..., None] * (dxhat - dxhat.mean(-1, keepdims=True) - xhat * (dxhat * xhat).mean(-1, keepdims=True))
dg = (DY * xhat).reshape(-1, shape[-1]).sum(0); db = DY.reshape(-1, shape[-1]).sum(0)
ref = dict(dst=y, mean=mu, rstd=rstd, diff_src=dx, diff_scale=dg, diff_shift=db)
worst = 0
for path in sys.argv[1:]:
    out = f"{work}/out-{path}"
    r = subprocess.run([f"{root}/normkit", "run", "layer_norm",
        "--path", path, "--direction", "all", "--in", f"src={work}/x.npy", "--in", f"scale={work}/g.npy",
        "--in", f"shift={work}/b.npy", "--in", f"diff_dst={work}/dy.npy", "--out", out], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr + r.stdout
    for name, want in ref.items():
        got = np.load(f"{out}/{name}.npy")
        assert got.dtype == np.float32 and got.shape == want.shape, (name, got.dtype, got.shape, want.shape)
        rel = np.max(np.abs(got - want) / np.maximum(np.abs(want), 1.0))
        worst = max(worst, rel)
        print(f"{path:7s} {name:10s} shape {str(got.shape):12s} max rel err {rel:.2e}")
print("worst", worst)
sys.exit(0 if worst <= 1e-5 else 1)
