"""PyTorch computes inf and nan silently (1 / 0, log(0), sqrt(-1)); NumPy warns about them.
NumPy's floating-point warnings are silenced where they come from this package's own code;
the user's own NumPy code keeps its settings (the filter matches these modules only)."""
import warnings

warnings.filterwarnings("ignore", r"(divide by zero|invalid value|overflow|underflow) "
                        r"encountered", RuntimeWarning, r"autograd_gpu(\.|$)")
