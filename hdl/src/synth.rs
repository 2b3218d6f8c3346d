//! Resource estimates (placeholder).
pub fn _todo() {}
