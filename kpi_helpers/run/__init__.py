"""Running the notebook chain: plan, local worker pool, Dask, warm kernels, atomic publishing."""
