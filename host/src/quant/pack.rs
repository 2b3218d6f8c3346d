//! Packing: every quantised layer into the engine's compressed per-PE streams (zeros are not
//! stored), assembled with the tensor formats and the activation tables into a validated
//! [`DeviceImage`].

use super::{QuantError, QuantNetwork};
use zeroskip_arch::image::{DeviceImage, ImageLayer};
use zeroskip_arch::{HwConfig, PackedMatrix};

/// Packs `net` for `hw`. A layer whose streams or rows do not fit the PE memories is an error
/// naming it.
pub fn pack(net: &QuantNetwork, hw: &HwConfig) -> Result<DeviceImage, QuantError> {
    let layers = net
        .layers
        .iter()
        .map(|l| {
            let matrix = PackedMatrix::from_dense(hw, l.rows, l.cols, &l.weights, l.group)
                .map_err(|source| QuantError::Pack {
                    layer: l.name,
                    source,
                })?;
            Ok(ImageLayer {
                name: l.name.to_string(),
                kind: l.kind,
                input: l.input,
                output: l.output,
                out_offset: l.out_offset,
                w_frac: l.w_frac,
                shift: l.shift,
                clip: l.clip,
                matrix,
                bias: l.bias.clone(),
            })
        })
        .collect::<Result<Vec<_>, QuantError>>()?;
    let image = DeviceImage {
        cfg: *hw,
        tensors: net.tensors.clone(),
        output: net.output,
        layers,
        tables: DeviceImage::arch_tables(),
    };
    image.validate().map_err(QuantError::Image)?;
    Ok(image)
}
