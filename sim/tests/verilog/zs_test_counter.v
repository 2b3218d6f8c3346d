// A small design for the generic layer's tests: a counter, and one pass-through (inverted) per
// C storage type, with no Verilator warnings.
module zs_test_counter(
    input clock,
    input reset,
    input [7:0] inc,
    input [15:0] s_in,
    input [31:0] i_in,
    input [40:0] q_in,
    input [63:0] w64_in,
    input [99:0] wide_in,
    output reg [31:0] count,
    output [7:0] c_out,
    output [15:0] s_out,
    output [31:0] i_out,
    output [40:0] q_out,
    output [63:0] w64_out,
    output [99:0] wide_out
);
    always @(posedge clock) begin
        if (reset) count <= 32'd0;
        else count <= count + {24'd0, inc};
    end
    assign c_out = ~inc;
    assign s_out = ~s_in;
    assign i_out = ~i_in;
    assign q_out = ~q_in;
    assign w64_out = ~w64_in;
    assign wide_out = ~wide_in;
endmodule
