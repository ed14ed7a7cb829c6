//! deepblocks: an n-d tensor engine with NumPy semantics (this crate's native API, used by
//! `cargo test` and `cargo bench`), compiled with the `python` feature into the extension
//! module `deepblocks._core` behind the Gluon-style Python package.
//!
//! ```
//! use deepblocks::{DType, Tensor};
//! let a = Tensor::from_vec(vec![1.0f32, 2.0, 3.0, 4.0], &[2, 2]).unwrap();
//! let b = a.matmul(&a.transpose(None).unwrap()).unwrap();
//! assert_eq!(b.to_vec::<f32>().unwrap(), vec![5.0, 11.0, 11.0, 25.0]);
//! assert_eq!(b.sum(None, false).unwrap().dtype(), DType::F32);
//! ```

pub mod autograd;
pub mod cpu;
#[cfg(feature = "cuda")]
pub mod cuda;
pub mod device;
pub mod dtype;
pub mod error;
pub mod io;
pub mod layout;
pub mod ops;
pub mod optim;
pub mod storage;
pub mod tensor;

#[cfg(feature = "python")]
mod python;

/// Every Rust allocation, tensor buffers above all, goes through mimalloc, which keeps freed
/// memory for the next step of a loop instead of returning it to the kernel (see Cargo.toml).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub use device::Device;
pub use dtype::{DType, Element};
pub use error::{Error, Result};
pub use layout::Layout;
pub use ops::binary::BinaryOp;
pub use ops::index::Index;
pub use ops::reduce::ReduceOp;
pub use ops::shape::Sections;
pub use ops::unary::UnaryOp;
pub use tensor::{Scalar, Tensor};
