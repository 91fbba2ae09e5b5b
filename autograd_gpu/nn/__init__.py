"""nn: modules, layers, losses, initialisers (PyTorch's torch.nn)."""
from . import functional, init, utils
from .modules.container import ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential
from .modules.layers import (CELU, ELU, GELU, GLU, SELU, AdaptiveAvgPool1d, AdaptiveAvgPool2d,
                             AdaptiveMaxPool1d, AdaptiveMaxPool2d,
                             AvgPool1d, AvgPool2d, BatchNorm1d, BatchNorm2d, Conv1d, Conv2d,
                             CosineSimilarity, Dropout, Dropout1d, Dropout2d, Dropout3d, Embedding,
                             Flatten, GroupNorm, Hardshrink, Hardsigmoid, Hardswish, Hardtanh,
                             Identity, LayerNorm, LazyLinear, LeakyReLU, Linear, LogSigmoid,
                             LogSoftmax,
                             MaxPool1d, MaxPool2d, Mish, PairwiseDistance, PixelShuffle,
                             PixelUnshuffle, ReLU, ReLU6, Sigmoid, SiLU, Softmax, Softmin,
                             Softplus, Softshrink, Softsign, Tanh, Tanhshrink, Threshold,
                             Unflatten, Upsample, ConvTranspose2d, PReLU, RMSNorm)
from .modules.loss import (BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HuberLoss, KLDivLoss,
                           L1Loss, MarginRankingLoss, MSELoss, NLLLoss, NLLLoss2d, SmoothL1Loss,
                           SoftMarginLoss, PoissonNLLLoss, GaussianNLLLoss,
                           HingeEmbeddingLoss, CosineEmbeddingLoss, TripletMarginLoss,
                           MultiLabelSoftMarginLoss)
from .modules.attention import (MultiheadAttention, Transformer, TransformerDecoder,
                                TransformerDecoderLayer, TransformerEncoder,
                                TransformerEncoderLayer)
from .modules.module import Module
from .modules.more import *  # noqa: F403
from .modules.more import __all__ as _more_layers
from .modules.padding import *  # noqa: F403
from .modules.rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNBase, RNNCell, RNNCellBase
from .modules.padding import __all__ as _padding_layers
from .modules.volumetric import *  # noqa: F403
from .modules.volumetric import __all__ as _volumetric_layers
from .modules.lazy import *  # noqa: F403
from .modules.lazy import __all__ as _lazy_layers
from .parameter import Buffer, Parameter, UninitializedBuffer, UninitializedParameter
from ._ctc import CTCLoss
from ._fractional import FractionalMaxPool2d, FractionalMaxPool3d
from .modules.adaptive import AdaptiveLogSoftmaxWithLoss

__all__ = ["functional", "init", "utils", "Module", "Parameter", "Buffer",
           "UninitializedParameter", "Sequential", "ModuleList",
           "ModuleDict", "Identity", "Linear", "LazyLinear", "Conv2d", "MaxPool2d", "AvgPool2d", "Flatten",
           "ReLU", "LeakyReLU", "Tanh", "Sigmoid", "GELU", "SiLU", "Softmax", "LogSoftmax",
           "Dropout", "BatchNorm1d", "BatchNorm2d", "LayerNorm", "Embedding", "MSELoss",
           "L1Loss", "CrossEntropyLoss", "CTCLoss", "FractionalMaxPool2d", "FractionalMaxPool3d", "NLLLoss", "NLLLoss2d", "BCELoss", "BCEWithLogitsLoss",
           "CELU", "ELU", "GLU", "SELU", "AdaptiveAvgPool2d", "AdaptiveMaxPool2d", "AvgPool1d",
           "Conv1d", "CosineSimilarity", "Dropout1d", "Dropout2d", "Dropout3d", "GroupNorm", "Hardshrink",
           "Hardsigmoid", "Hardswish", "Hardtanh", "LogSigmoid", "MaxPool1d", "Mish",
           "PairwiseDistance", "PixelShuffle", "PixelUnshuffle", "ReLU6", "Softmin", "Softplus",
           "Softshrink", "Softsign", "Tanhshrink", "Threshold", "Unflatten", "Upsample",
           "HuberLoss", "KLDivLoss", "MarginRankingLoss", "SmoothL1Loss", "SoftMarginLoss",
           "ParameterList", "ParameterDict", "RNN", "LSTM", "GRU", "RNNCell", "RNNCellBase", "LSTMCell",
           "GRUCell", "RNNBase", "ConvTranspose2d", "PReLU", "RMSNorm", "PoissonNLLLoss",
           "GaussianNLLLoss", "HingeEmbeddingLoss", "CosineEmbeddingLoss", "TripletMarginLoss",
           "MultiLabelSoftMarginLoss", "MultiheadAttention", "TransformerEncoder", "TransformerEncoderLayer",
           "AdaptiveAvgPool1d", "AdaptiveMaxPool1d", "Transformer", "TransformerDecoder",
           "TransformerDecoderLayer", "AdaptiveLogSoftmaxWithLoss",
           *_padding_layers, *_more_layers, *_volumetric_layers, *_lazy_layers,
           "UninitializedBuffer"]
