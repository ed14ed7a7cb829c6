//! PyO3 bindings: the extension module `deepblocks._core`. Only argument conversion, result
//! wrapping and error mapping live here; all computation is in the engine.

mod array;
mod autograd;
mod context;
mod conv;
mod rnn;
mod convert;
mod cuda;
mod dlpack;
mod errors;
mod functions;
mod index;
mod io;
mod legacy;
mod linalg;
mod optim;
mod sort;

use pyo3::prelude::*;

#[pymodule]
#[pyo3(name = "_core")]
fn core_module(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<array::PyArray>()?;
    m.add_class::<context::Context>()?;
    m.add("MXNetError", m.py().get_type::<errors::MXNetError>())?;
    m.add_function(wrap_pyfunction!(context::current_context, m)?)?;
    m.add_function(wrap_pyfunction!(context::num_gpus, m)?)?;
    m.add_function(wrap_pyfunction!(legacy::set_legacy_class, m)?)?;
    m.add_function(wrap_pyfunction!(legacy::as_legacy, m)?)?;
    m.add_function(wrap_pyfunction!(array::rebuild_array, m)?)?;
    m.add_function(wrap_pyfunction!(legacy::check_same_kind_py, m)?)?;
    functions::register(m)?;
    conv::register(m)?;
    rnn::register(m)?;
    autograd::register(m)?;
    io::register(m)?;
    optim::register(m)?;
    sort::register(m)?;
    linalg::register(m)?;
    cuda::register(m)?;
    dlpack::register(m)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
