"""numba kernels: arrays and scalars in, arrays out; they never print and release the GIL."""
