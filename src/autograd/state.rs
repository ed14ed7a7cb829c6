//! Per-thread recording and training flags (`autograd.record()`, `pause()`,
//! `train_mode()`, `predict_mode()`). Threads do not see each other's flags, so a
//! DataLoader thread never records into the training thread's graph.

use std::cell::Cell;

thread_local! {
    static RECORDING: Cell<bool> = const { Cell::new(false) };
    static TRAINING: Cell<bool> = const { Cell::new(false) };
}

/// True inside `autograd.record()` on this thread.
pub fn is_recording() -> bool {
    RECORDING.with(Cell::get)
}

/// True in training mode (inside `record()` by default, or `train_mode()`).
pub fn is_training() -> bool {
    TRAINING.with(Cell::get)
}

/// Sets the recording flag; returns the previous value.
pub fn set_recording(on: bool) -> bool {
    RECORDING.with(|c| c.replace(on))
}

/// Sets the training flag; returns the previous value.
pub fn set_training(on: bool) -> bool {
    TRAINING.with(|c| c.replace(on))
}

/// Sets a flag for the lifetime of the value and restores it on drop, also on error paths.
pub(crate) struct Switch {
    prev: bool,
    recording: bool,
}

impl Switch {
    pub(crate) fn recording(on: bool) -> Switch {
        Switch { prev: set_recording(on), recording: true }
    }
    pub(crate) fn training(on: bool) -> Switch {
        Switch { prev: set_training(on), recording: false }
    }
}

impl Drop for Switch {
    fn drop(&mut self) {
        if self.recording {
            set_recording(self.prev);
        } else {
            set_training(self.prev);
        }
    }
}

/// Runs `f` without recording (the internals of a recorded operation, gradient updates).
pub(crate) fn paused<R>(f: impl FnOnce() -> R) -> R {
    let _off = Switch::recording(false);
    f()
}
