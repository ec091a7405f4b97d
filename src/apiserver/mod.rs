//! The API server: request pipeline decode → default → admission → validate → store.

pub mod errors;

pub use errors::{ApiError, FieldError, FieldErrorType};
