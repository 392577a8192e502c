r"""Learning-rate schedules: how the optimizer's step size changes from epoch to epoch.

The trainer tells the schedule when an epoch begins and ends and when its
no-improvement rule fires; the schedule answers by setting the optimizer's
``learning_rate`` and by deciding whether training stops.
"""

import math
from numbers import Integral


class LearningRateSchedule:
    r"""How the learning rate changes between epochs.

    The first three kinds are those of scikit-learn's MLP:

    - ``"constant"`` keeps :math:`\eta_0` (``learning_rate_init``);
    - ``"invscaling"`` sets :math:`\eta_0 / (t + 1)^{p}` after each epoch, ``t``
      the number of samples seen so far and :math:`p` ``power_t``;
    - ``"adaptive"`` keeps the rate, divides it by 5 each time the
      no-improvement rule fires, and stops once it has fallen to 1e-6.

    ``"cosine"`` decays :math:`\eta_0` to near zero along half a cosine over
    :math:`K` epochs, then keeps its last value:

    .. math:: \eta_k = \eta_0 \, \tfrac{1}{2} \left(1 + \cos \frac{\pi \min(k, K - 1)}{K}\right),
              \qquad k = 0, 1, 2, \ldots

    With ``warmup_epochs`` :math:`W > 0`, epochs :math:`e = 1 \ldots W` run at
    the fraction :math:`e / (W + 1)` of the base rate, epoch :math:`W + 1` at
    the full base rate, and the kind's own rule takes over from there. The
    base rate is the one the kind would use: :math:`\eta_0` for constant and
    cosine, whatever adaptive has divided it down to, and
    :math:`\eta_0 / (t + 1)^p` for invscaling, whose ``t`` keeps counting
    through the warm-up. Cosine starts its decay after the warm-up: epoch
    :math:`W + 1` is its :math:`k = 0`, and :math:`K` is
    ``max_epochs - warmup_epochs``.

    The schedule counts its own epochs, so it carries on across calls of
    ``partial_fit`` (one epoch each) and beyond ``max_epochs``.

    Parameters
    ----------
    kind : {"constant", "invscaling", "adaptive", "cosine"}, default="constant"
        The rule, as described above.
    learning_rate_init : float, default=0.001
        The base rate :math:`\eta_0`.
    power_t : float, default=0.5
        Exponent of ``"invscaling"``.
    max_epochs : int or None, default=None
        Number of epochs ``"cosine"`` decays over, warm-up included; required
        by it, unused by the other kinds.
    warmup_epochs : int, default=0
        Number of epochs of linear warm-up before the kind's rule applies.

    Attributes
    ----------
    epoch : int
        Number of epochs begun so far.
    base_rate : float
        The rate the kind has reached before warm-up scaling; for cosine, see
        the formula instead.

    Examples
    --------
    >>> from sk_ann.core.optimizers import SGD
    >>> opt = SGD(3, learning_rate=0.1)
    >>> schedule = LearningRateSchedule("cosine", 0.1, max_epochs=6, warmup_epochs=2)
    >>> rates = []
    >>> for _ in range(7):
    ...     schedule.epoch_begin(opt)
    ...     rates.append(round(opt.learning_rate, 4))
    ...     schedule.epoch_end(opt, t=0)
    >>> rates
    [0.0333, 0.0667, 0.1, 0.0854, 0.05, 0.0146, 0.0146]
    """

    KINDS = ("constant", "invscaling", "adaptive", "cosine")
    #: ``"adaptive"`` stops instead of lowering a rate at or below this.
    MIN_ADAPTIVE_RATE = 1e-6

    def __init__(self, kind="constant", learning_rate_init=0.001, power_t=0.5,
                 max_epochs=None, warmup_epochs=0):
        if kind not in self.KINDS:
            raise ValueError(f"learning_rate must be one of {list(self.KINDS)}, got {kind!r}.")
        warmup_epochs = _count("warmup_epochs", warmup_epochs, minimum=0)
        if max_epochs is not None:
            max_epochs = _count("max_epochs", max_epochs, minimum=1)
        if kind == "cosine":
            if max_epochs is None:
                raise ValueError(
                    "The 'cosine' schedule needs max_epochs, the number of epochs to decay "
                    "over (for an estimator, max_iter); got None.")
            if max_epochs <= warmup_epochs:
                raise ValueError(
                    f"The 'cosine' schedule decays after the warm-up, so max_epochs must be "
                    f"greater than warmup_epochs; got max_epochs={max_epochs} and "
                    f"warmup_epochs={warmup_epochs}.")
        self.kind = kind
        self.learning_rate_init = float(learning_rate_init)
        self.power_t = float(power_t)
        self.max_epochs = max_epochs
        self.warmup_epochs = warmup_epochs
        self.epoch = 0
        self.base_rate = self.learning_rate_init

    def __setstate__(self, state):
        # Schedules saved by sk_ann 0.1 had no warm-up, no cosine and no epoch count.
        defaults = {"max_epochs": None, "warmup_epochs": 0, "epoch": 0,
                    "base_rate": state.get("learning_rate_init")}
        self.__dict__.update({**defaults, **state})

    def epoch_begin(self, optimizer):
        """Called before every epoch: set the rate where warm-up or cosine decides it."""
        self.epoch += 1
        # Warm-up sets epochs 1..W and restores the full base rate at W + 1. Past
        # that, the other kinds change the rate only in epoch_end and should_stop,
        # as scikit-learn's MLP does.
        if self.kind == "cosine" or (self.warmup_epochs and self.epoch <= self.warmup_epochs + 1):
            optimizer.learning_rate = self._rate(self.epoch)

    def epoch_end(self, optimizer, t):
        """Called after every epoch, ``t`` samples seen in all: invscaling sets the next rate."""
        if self.kind == "invscaling":
            try:
                self.base_rate = self.learning_rate_init / (t + 1) ** self.power_t
            except OverflowError:  # (t + 1) ** power_t beyond floats: the rate has gone
                self.base_rate = 0.0
            optimizer.learning_rate = self._rate(self.epoch + 1)

    def should_stop(self, optimizer, message, verbose=False):
        """Called when the no-improvement rule fires: stop, or lower the rate and go on.

        Returns True to stop. Only ``"adaptive"`` goes on, with its base rate
        divided by 5, until that rate is at or below ``MIN_ADAPTIVE_RATE``.
        """
        if self.kind != "adaptive":
            if verbose:
                print(message + " Stopping.")
            return True
        if not self._in_warmup(self.epoch):
            # Outside warm-up the optimizer runs at the base rate itself; reading it
            # back follows any change made to it from outside, as the rule always has.
            self.base_rate = float(optimizer.learning_rate)
        if self.base_rate <= self.MIN_ADAPTIVE_RATE:
            if verbose:
                print(message + " Learning rate too small. Stopping.")
            return True
        self.base_rate /= 5.0
        optimizer.learning_rate = self._rate(self.epoch + 1)
        if verbose:
            print(message + f" Setting learning rate to {optimizer.learning_rate:f}")
        return False

    def _in_warmup(self, epoch):
        """Whether ``epoch`` (counted from 1) runs at a warm-up fraction of the base rate."""
        return 1 <= epoch <= self.warmup_epochs

    def _rate(self, epoch):
        """The rate of ``epoch`` (counted from 1) as the schedule stands now."""
        if self.kind == "cosine":
            decay_epochs = self.max_epochs - self.warmup_epochs
            k = min(max(epoch - self.warmup_epochs - 1, 0), decay_epochs - 1)
            rate = self.learning_rate_init * 0.5 * (1.0 + math.cos(math.pi * k / decay_epochs))
        else:
            rate = self.base_rate
        if self._in_warmup(epoch):
            rate *= epoch / (self.warmup_epochs + 1)
        return rate


def _count(name, value, minimum):
    """``value`` as a Python int, checked to be a whole number of at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}.")
    return int(value)
