"""``gluon.data.vision``: the MNIST and Fashion-MNIST datasets, the UCI digits (shipped with
deepblocks) and image ``transforms``.

>>> from deepblocks import gluon
>>> from deepblocks.gluon.data.vision import transforms
>>> augment = transforms.Compose([transforms.Resize(32), transforms.ToTensor()])
>>> train = gluon.data.vision.FashionMNIST(train=True)        # doctest: +SKIP
>>> loader = gluon.data.DataLoader(train.transform_first(augment), 256)  # doctest: +SKIP
>>> X, y = next(iter(loader))                                  # doctest: +SKIP
>>> X.shape, X.dtype, y.dtype                                  # doctest: +SKIP
((256, 1, 32, 32), dtype('float32'), dtype('int32'))
"""

from . import datasets, transforms
from .datasets import Digits, MNIST, FashionMNIST

__all__ = ["datasets", "transforms", "Digits", "MNIST", "FashionMNIST"]
