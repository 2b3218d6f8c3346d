// A behavioural reference engine that follows zeroskip_arch::ports (the protocol) and
// zeroskip_arch::timing (a run takes the longest stream plus PIPELINE_LATENCY cycles), written
// by hand to test the EngineSim driver before and independently of the generated RTL. Not
// synthesisable in any useful sense. Widths come from parameters (set with -G).
/* verilator lint_off WIDTH */
module zs_ref_engine #(
    parameter PES = 2,      // processing elements
    parameter WB = 16,      // weight_bits
    parameter IB = 6,       // index_bits
    parameter AB = 16,      // act_bits
    parameter COLS = 64,    // max_cols
    parameter DEPTH = 256,  // stream_depth
    parameter ROWS = 64,    // max_rows_per_pe
    parameter PSB = 1,      // pe_sel_bits
    parameter SAB = 8,      // stream_addr_bits
    parameter CB = 9,       // count width
    parameter XAB = 6,      // col_addr_bits
    parameter RAB = 6,      // row_addr_bits
    parameter SHB = 6,      // shift_bits
    parameter LAT = 4       // PIPELINE_LATENCY
) (
    input clock,
    input reset,
    input [PSB-1:0] load_pe,
    input load_stream_we,
    input [SAB-1:0] load_stream_addr,
    input [WB+IB:0] load_stream_data,
    input load_count_we,
    input [CB-1:0] load_count_data,
    input load_x_we,
    input [XAB-1:0] load_x_addr,
    input [AB-1:0] load_x_data,
    input [SHB-1:0] shift,
    input start,
    output reg busy,
    output reg done,
    output reg [31:0] cycles,
    input [PSB-1:0] result_pe,
    input [RAB-1:0] result_addr,
    output reg [AB-1:0] result_data
);
    localparam signed [63:0] MAXV = (64'sd1 <<< (AB - 1)) - 64'sd1;
    localparam signed [63:0] MINV = -(64'sd1 <<< (AB - 1));

    reg [WB+IB:0] stream_mem [0:PES*DEPTH-1];
    reg [CB-1:0] count [0:PES-1];
    reg [AB-1:0] xmem [0:COLS-1];
    reg [AB-1:0] res [0:PES*ROWS-1];
    reg [31:0] k [0:PES-1];
    reg [31:0] cursor [0:PES-1];
    reg [31:0] row [0:PES-1];
    reg signed [63:0] acc [0:PES-1];
    reg [31:0] t;
    reg [31:0] total;
    reg [31:0] maxc;
    reg [WB+IB:0] e;
    reg [31:0] col;
    reg signed [63:0] w;
    reg signed [63:0] xv;
    reg signed [63:0] sum;
    reg signed [63:0] r;
    integer p;

    always @(posedge clock) begin
        if (reset) begin
            busy <= 1'b0;
            done <= 1'b0;
            cycles <= 32'd0;
            t <= 32'd0;
        end else begin
            if (load_stream_we) stream_mem[load_pe * DEPTH + load_stream_addr] <= load_stream_data;
            if (load_count_we) count[load_pe] <= load_count_data;
            if (load_x_we) xmem[load_x_addr] <= load_x_data;
            result_data <= res[result_pe * ROWS + result_addr];
            if (start) begin
                busy <= 1'b1;
                done <= 1'b0;
                t <= 32'd1;
                maxc = 0;
                for (p = 0; p < PES; p = p + 1) begin
                    if (count[p] > maxc) maxc = count[p];
                    k[p] <= 0;
                    cursor[p] <= 0;
                    row[p] <= 0;
                    acc[p] <= 0;
                end
                total <= maxc + LAT;
            end else if (busy) begin
                for (p = 0; p < PES; p = p + 1) begin
                    if (k[p] < count[p]) begin
                        e = stream_mem[p * DEPTH + k[p]];
                        w = {{(64 - WB){e[WB-1]}}, e[WB-1:0]};
                        col = cursor[p] + e[WB+IB-1:WB];
                        xv = {{(64 - AB){xmem[col][AB-1]}}, xmem[col]};
                        sum = acc[p] + w * xv;
                        if (e[WB+IB]) begin
                            r = (shift == 0) ? sum : ((sum + (64'sd1 <<< (shift - 1))) >>> shift);
                            if (r > MAXV) r = MAXV;
                            if (r < MINV) r = MINV;
                            res[p * ROWS + row[p]] <= r[AB-1:0];
                            row[p] <= row[p] + 1;
                            acc[p] <= 0;
                            cursor[p] <= 0;
                        end else begin
                            acc[p] <= sum;
                            cursor[p] <= col + 1;
                        end
                        k[p] <= k[p] + 1;
                    end
                end
                t <= t + 1;
                if (t + 1 == total) begin
                    busy <= 1'b0;
                    done <= 1'b1;
                    cycles <= total;
                end
            end
        end
    end
endmodule
