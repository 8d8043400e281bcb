package dev.normkit.parallel;

import dev.normkit.Backend;
import dev.normkit.Kernel;
import dev.normkit.KernelDesc;
import java.lang.foreign.MemorySegment;
import java.util.function.IntFunction;

/**
 * What every parallel kernel has: the path's kernel for the whole shape (a call of one chunk runs it directly, so small
 * shapes get exactly the plain kernel), and one kernel per chunk, so that chunks running at once share no kernel state
 * (the vector path's staging buffer for mixed memory is per kernel).
 */
abstract class ChunkedKernel<K extends Kernel> implements Kernel {

    final K whole;
    final K[] perChunk;
    final Chunks chunks;
    final ChunkRunner runner;

    ChunkedKernel(Backend base, KernelDesc<K> desc, Chunks chunks, ChunkRunner runner,
            IntFunction<KernelDesc<K>> chunkDesc, IntFunction<K[]> array) {
        this.chunks = chunks;
        this.runner = runner;
        this.whole = base.create(desc);
        this.perChunk = array.apply(chunks.count() == 1 ? 0 : chunks.count());
        for (int c = 0; c < perChunk.length; c++) {
            perChunk[c] = base.create(chunkDesc.apply(c));
        }
    }

    /** True when the call is one chunk: run {@link #whole} on the caller. */
    final boolean single() {
        return perChunk.length == 0;
    }

    /** Chunk {@code c}'s part of a tensor of {@code floatsPerUnit} floats per unit (absent stays absent). */
    final MemorySegment part(MemorySegment s, int c, long floatsPerUnit) {
        if (s == null) return null;
        return s.asSlice(chunks.start(c) * floatsPerUnit * Float.BYTES, chunks.size(c) * floatsPerUnit * Float.BYTES);
    }

    @Override
    public String path() {
        return whole.path();
    }

    @Override
    public void close() {
        whole.close();
        for (K k : perChunk) k.close();
    }
}
