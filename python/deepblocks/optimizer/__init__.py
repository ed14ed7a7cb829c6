"""``deepblocks.optimizer``: MXNet 1.9.1's ``mxnet.optimizer`` on the engine's in-place update
kernels.

``create(name, **kwargs)`` makes an optimizer by name ('sgd', 'nag', 'adam', 'adamw',
'rmsprop', 'adagrad', 'adadelta', 'adamax', 'nadam', 'lamb', 'lars', 'lbsgd', 'signum', 'ftml',
'ftrl', 'sgld', 'dcasgd', 'ccsgd', 'test', and ``contrib``'s 'groupadagrad'; case-insensitive);
a ``gluon.Trainer`` or an ``Updater`` then calls ``create_state`` once per parameter and
``update`` once per step. Updates write into the
weight and state arrays, so every view of a weight sees them; they are never recorded by
autograd.

>>> from deepblocks import np, optimizer
>>> opt = optimizer.create('sgd', learning_rate=0.1, wd=0.01)
>>> w = np.array([1.0, -2.0])
>>> view = w[:1]
>>> opt.update(0, w, np.array([1.0, 1.0]), opt.create_state(0, w))
>>> w                   # w -= lr * (grad + wd * w)
array([ 0.899, -2.098])
>>> view                # a view of the weight sees the update
array([0.899])
"""

from .optimizer import Optimizer, Updater, create, get_updater, register
from .sgd import NAG, SGD
from .adam import Adam, AdamW
from .rmsprop import RMSProp
from .adagrad import AdaGrad
from .adadelta import AdaDelta
from .adamax import Adamax
from .nadam import Nadam
from .lamb import LAMB
from .lars import LARS, LBSGD
from .signum import Signum
from .ftml import FTML
from .ftrl import Ftrl
from .sgld import SGLD
from .dcasgd import DCASGD
from .legacy import Test, ccSGD
from . import contrib

__all__ = [
    "Optimizer", "Updater", "create", "get_updater", "register",
    "SGD", "NAG", "Adam", "AdamW", "RMSProp", "AdaGrad",
    "AdaDelta", "Adamax", "Nadam", "LAMB", "LARS", "LBSGD", "Signum", "FTML", "Ftrl", "SGLD", "DCASGD",
    "Test", "ccSGD", "contrib",
]
