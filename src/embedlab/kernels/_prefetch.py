"""A software-prefetch intrinsic for numba kernels.

Negative sampling reads rows of the output matrix at random; for a real vocabulary
those rows live in L3 or DRAM, and the misses, not the arithmetic, set the speed of a
naive kernel. The kernels draw the next centre word's noise words one step early and
ask the CPU to start loading their rows (``llvm.prefetch``) while the current centre
word is being trained, so the loads overlap with useful work.
"""

from __future__ import annotations

from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic


@intrinsic
def prefetch_row(typingctx, matrix, row):
    """Prefetch every 64-byte cache line of ``matrix[row]`` (a C-contiguous 2-D array)."""
    sig = types.void(matrix, row)

    def codegen(context, builder, signature, args):
        ary_t = signature.args[0]
        ary = context.make_array(ary_t)(context, builder, args[0])
        zero = context.get_constant(types.intp, 0)
        row_i = context.cast(builder, args[1], signature.args[1], types.intp)
        ptr = cgutils.get_item_pointer(context, builder, ary_t, ary, [row_i, zero], wraparound=False)
        i8p = ir.IntType(8).as_pointer()
        fnty = ir.FunctionType(ir.VoidType(), [i8p, ir.IntType(32), ir.IntType(32), ir.IntType(32)])
        fn = cgutils.get_or_insert_function(builder.module, fnty, "llvm.prefetch.p0")
        base = builder.bitcast(ptr, i8p)
        itemsize = context.get_constant(types.intp, context.get_abi_sizeof(context.get_data_type(ary_t.dtype)))
        nbytes = builder.mul(builder.extract_value(ary.shape, 1), itemsize)
        line = context.get_constant(types.intp, 64)
        read, keep_in_all_caches, data = (ir.Constant(ir.IntType(32), v) for v in (0, 3, 1))
        with cgutils.for_range_slice(builder, zero, nbytes, line) as (offset, _):
            builder.call(fn, [builder.gep(base, [offset]), read, keep_in_all_caches, data])
        return context.get_dummy_value()

    return sig, codegen
