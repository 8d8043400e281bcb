package dev.normkit.onednn.dnnl;

import dev.normkit.bindings.dnnl.Dnnl;

/**
 * A oneDNN C API call returned an error status. The message names the call and the status
 * ({@code invalid_arguments}, {@code unimplemented}, {@code out_of_memory}, ...), plus what was being done.
 */
public final class DnnlException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String call;
    private final int status;

    DnnlException(String call, int status, String context) {
        super(call + " failed: " + statusName(status) + " (status " + status + ")"
                + (context.isEmpty() ? "" : ": " + context));
        this.call = call;
        this.status = status;
    }

    /** The oneDNN function that failed, e.g. {@code dnnl_layer_normalization_forward_primitive_desc_create}. */
    public String call() {
        return call;
    }

    /** The raw {@code dnnl_status_t}. */
    public int status() {
        return status;
    }

    /** The status's name without the {@code dnnl_} prefix, e.g. {@code invalid_arguments}. */
    public String statusName() {
        return statusName(status);
    }

    /** Throws unless {@code status} is {@code dnnl_success}. */
    static void check(int status, String call) {
        check(status, call, "");
    }

    /** Throws unless {@code status} is {@code dnnl_success}; {@code context} says what was being done. */
    static void check(int status, String call, String context) {
        if (status != Dnnl.dnnl_success()) {
            throw new DnnlException(call, status, context);
        }
    }

    /** The name of a {@code dnnl_status_t} value (only called once oneDNN is loaded). */
    static String statusName(int status) {
        if (status == Dnnl.dnnl_success()) return "success";
        if (status == Dnnl.dnnl_out_of_memory()) return "out_of_memory";
        if (status == Dnnl.dnnl_invalid_arguments()) return "invalid_arguments";
        if (status == Dnnl.dnnl_unimplemented()) return "unimplemented";
        if (status == Dnnl.dnnl_last_impl_reached()) return "last_impl_reached";
        if (status == Dnnl.dnnl_runtime_error()) return "runtime_error";
        if (status == Dnnl.dnnl_not_required()) return "not_required";
        if (status == Dnnl.dnnl_invalid_graph()) return "invalid_graph";
        if (status == Dnnl.dnnl_invalid_graph_op()) return "invalid_graph_op";
        if (status == Dnnl.dnnl_invalid_shape()) return "invalid_shape";
        if (status == Dnnl.dnnl_invalid_data_type()) return "invalid_data_type";
        return "unknown_status";
    }
}
