// A design with a deliberate width mismatch: Verilator must warn (WIDTH), not fail.
module zs_test_warn(input clock, input [7:0] a, output [15:0] y);
    wire [3:0] narrow = a;
    assign y = narrow + 16'd1;
endmodule
