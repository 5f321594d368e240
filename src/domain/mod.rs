//! Pure domain types shared by the server and the browser: parsed once, trusted afterwards.

mod email;
mod lang;
mod name;
mod password;
mod phone;
mod role;

pub use email::Email;
pub use lang::Lang;
pub use name::{FamilyName, PersonName};
pub use password::Password;
pub use phone::PhoneNumber;
pub use role::Role;
