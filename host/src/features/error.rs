//! [`FeatureError`]: a front-end configuration that cannot work.

/// Why features could not be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FeatureError {
    /// A [`super::FeatureConfig`] field has a value the front end cannot use.
    #[error("feature config: {field} = {value} {reason}")]
    InvalidConfig {
        /// The field's name, as in the JSON.
        field: &'static str,
        /// Its value.
        value: String,
        /// What it must be.
        reason: &'static str,
    },
}
