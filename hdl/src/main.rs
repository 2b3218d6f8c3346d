fn main() {
    let p: usize = std::env::args().nth(1).unwrap().parse().unwrap();
    let cfg = zeroskip_arch::HwConfig {
        pes: p,
        ..Default::default()
    };
    print!("{}", zeroskip_hdl::generate_verilog(&cfg).unwrap());
}
