//! The one error type of the engine. Each variant maps to one Python exception class in
//! `src/python/errors.rs`, so the variant is chosen by what the user did wrong.

/// Engine errors. The message always names the shapes, dtypes, axes or devices involved.
#[derive(Debug, thiserror::Error, Clone, PartialEq)]
pub enum Error {
    /// Incompatible shapes or bad shape arguments (Python `ValueError`).
    #[error("{0}")]
    Shape(String),
    /// A dtype that the operation does not accept (Python `TypeError`).
    #[error("{0}")]
    DType(String),
    /// An index or axis out of range (Python `IndexError`).
    #[error("{0}")]
    Index(String),
    /// A bad argument value (Python `ValueError`).
    #[error("{0}")]
    Value(String),
    /// Memory that could not be allocated (Python `MemoryError`).
    #[error("{0}")]
    Memory(String),
    /// A device that is missing or mismatched (Python `MXNetError`).
    #[error("{0}")]
    Device(String),
    /// Misuse of autograd: differentiating outside a graph, a freed graph, a value changed
    /// in place (Python `MXNetError`).
    #[error("{0}")]
    Graph(String),
    /// A file that cannot be read or written, or is not a valid tensor file (Python
    /// `MXNetError`, as MXNet's loaders raise).
    #[error("{0}")]
    File(String),
    /// An error raised by code the engine called back into (the backward of a Python
    /// `autograd.Function`), carried to the caller unchanged (Python: that same exception).
    #[error("{0}")]
    Foreign(Foreign),
}

/// An error value of another layer, carried through the engine as it is. Two are equal when
/// they are the same value.
#[derive(Clone, Debug)]
pub struct Foreign {
    text: String,
    value: std::sync::Arc<dyn std::any::Any + Send + Sync>,
}

impl Foreign {
    pub fn new<E: std::any::Any + std::fmt::Display + Send + Sync>(value: E) -> Foreign {
        Foreign { text: value.to_string(), value: std::sync::Arc::new(value) }
    }

    /// The carried value, when it is an `E`.
    pub fn downcast_ref<E: std::any::Any>(&self) -> Option<&E> {
        self.value.downcast_ref()
    }
}

impl std::fmt::Display for Foreign {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl PartialEq for Foreign {
    fn eq(&self, other: &Foreign) -> bool {
        std::sync::Arc::ptr_eq(&self.value, &other.value)
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// Formats a shape the way NumPy prints it: `(2, 3)`, `(4,)`, `()`.
pub fn fmt_shape(shape: &[usize]) -> String {
    match shape {
        [] => "()".to_string(),
        [n] => format!("({n},)"),
        _ => format!(
            "({})",
            shape.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(", ")
        ),
    }
}

/// Normalizes a possibly negative axis against `ndim`, as NumPy does.
pub fn normalize_axis(axis: isize, ndim: usize) -> Result<usize> {
    let n = ndim as isize;
    if axis < -n || axis >= n {
        return Err(Error::Index(format!(
            "axis {axis} is out of bounds for array of dimension {ndim}"
        )));
    }
    Ok(if axis < 0 { (axis + n) as usize } else { axis as usize })
}
