"""Memory hints for the numba kernels: cache prefetches and huge pages.

The graph searches of `_kernels` wait on memory, not arithmetic: on a 1M-node lattice most
reads of a popped node's arcs and of its neighbours' rows miss every cache (on this kind of
shared 2-core machine, random reads beyond about 2 MB cost 120-200 ns each). Once a search
knows which node it pops next, it asks for those rows ahead of time, so that the misses
overlap with each other and with the work on the current node instead of following one
after another. A prefetch is only a hint: it never faults and never changes a result.

The arrays a search allocates and writes whole are also advised onto 2 MB pages before they
are written (numpy does this for its own large arrays; numba's allocations do not): far
fewer page faults, and fewer misses of the address-translation cache.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from llvmlite import ir
from llvmlite.binding import llvm_version_info
from numba import types
from numba.core import cgutils as _cgutils
from numba.extending import intrinsic

cgutils: Any = _cgutils  # numba's code-generation helpers carry no type hints

_I32 = ir.IntType(32)
_I64 = ir.IntType(64)
_BYTE_PTR = ir.IntType(8).as_pointer()

_READ = 0  # llvm.prefetch: rw = read
_KEEP = 3  # locality: keep in all cache levels
_DATA = 1  # cache type: data
# the intrinsic's name carries its pointer type: opaque from LLVM 15 on
_NAME = "llvm.prefetch.p0" if llvm_version_info[0] >= 15 else "llvm.prefetch.p0i8"


@intrinsic
def _prefetch(typingctx: Any, arr: Any, index: Any) -> Any:
    if not (isinstance(arr, types.Array) and arr.ndim == 1 and isinstance(index, types.Integer)):
        return None
    sig = types.void(arr, index)

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        arr_t, index_t = signature.args
        ary = context.make_array(arr_t)(context, builder, args[0])
        i = context.cast(builder, args[1], index_t, types.intp)
        ptr = cgutils.get_item_pointer2(
            context,
            builder,
            data=ary.data,
            shape=cgutils.unpack_tuple(builder, ary.shape),
            strides=cgutils.unpack_tuple(builder, ary.strides),
            layout=arr_t.layout,
            inds=[i],
            wraparound=False,
            boundscheck=False,
        )
        fn_t = ir.FunctionType(ir.VoidType(), [_BYTE_PTR, _I32, _I32, _I32])
        fn = cgutils.get_or_insert_function(builder.module, fn_t, _NAME)
        hint = [ir.Constant(_I32, _READ), ir.Constant(_I32, _KEEP), ir.Constant(_I32, _DATA)]
        builder.call(fn, [builder.bitcast(ptr, _BYTE_PTR), *hint])
        return context.get_dummy_value()

    return sig, codegen


# Linux's madvise(2) advice MADV_HUGEPAGE: back this range with 2 MB pages where the system
# allows it (transparent huge pages in "madvise" mode, the common default).
_MADV_HUGEPAGE = 14
_HUGE = 2 << 20
_LINUX = sys.platform.startswith("linux")


@intrinsic
def _huge_pages(typingctx: Any, arr: Any) -> Any:
    if not (isinstance(arr, types.Array) and arr.layout == "C"):
        return None
    sig = types.void(arr)

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        if not _LINUX:
            return context.get_dummy_value()
        (arr_t,) = signature.args
        ary = context.make_array(arr_t)(context, builder, args[0])
        addr = builder.ptrtoint(ary.data, _I64)
        item = context.get_abi_sizeof(context.get_data_type(arr_t.dtype))
        nbytes = builder.mul(ary.nitems, ir.Constant(_I64, item))
        # only the whole 2 MB pages inside the array: [start, end)
        mask = ir.Constant(_I64, ~(_HUGE - 1))
        start = builder.and_(builder.add(addr, ir.Constant(_I64, _HUGE - 1)), mask)
        end = builder.and_(builder.add(addr, nbytes), mask)
        fn_t = ir.FunctionType(_I32, [_BYTE_PTR, _I64, _I32])
        fn = cgutils.get_or_insert_function(builder.module, fn_t, "madvise")
        with builder.if_then(builder.icmp_unsigned(">", end, start)):
            advice = ir.Constant(_I32, _MADV_HUGEPAGE)
            builder.call(fn, [builder.inttoptr(start, _BYTE_PTR), builder.sub(end, start), advice])
        return context.get_dummy_value()

    return sig, codegen


if TYPE_CHECKING:

    def prefetch(arr: Any, index: int) -> None:
        """Hint that ``arr[index]`` (a 1-d array, an integer index) will be read soon.

        Only from numba-compiled code. An index out of bounds is harmless (nothing is
        read), so callers need not check it.
        """

    def huge_pages(arr: Any) -> None:
        """Ask the system to back ``arr`` (C-contiguous) with 2 MB pages, before it is written.

        Only from numba-compiled code; only the whole 2 MB pages inside the array are
        advised. A no-op where that advice does not exist or is refused.
        """

else:
    prefetch = _prefetch
    huge_pages = _huge_pages
