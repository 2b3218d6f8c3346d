// Command-driven Verilator testbench for the zeroskip engine (used by tests/smoke.rs).
// Reads one command per line on stdin and drives the ports of arch/src/ports.rs:
//   S pe addr word    stream write        C pe count      count write
//   X col value       activation write    R shift hold    run: start held for `hold`
//                                                           edges (extra edges must be
//                                                           ignored), wait for done
//   Q pe row          read one result     A shift n       start, abort by reset after n edges
// Prints "cycles <counted> <port> busy_after_start <b>" for R and "result <value>" for Q.
#include "Vzeroskip_engine.h"
#include "verilated.h"
#include <cstdio>
#include <cstdint>
#include <iostream>
#include <string>

static Vzeroskip_engine* top;

static void tick() {
    top->clock = 0;
    top->eval();
    top->clock = 1;
    top->eval();
}

int main(int argc, char** argv) {
    Verilated::commandArgs(argc, argv);
    top = new Vzeroskip_engine;
    top->reset = 1;
    tick();
    top->reset = 0;
    tick();
    std::string cmd;
    while (std::cin >> cmd) {
        if (cmd == "S") {
            uint64_t pe, addr, word;
            std::cin >> pe >> addr >> word;
            top->load_pe = pe;
            top->load_stream_addr = addr;
            top->load_stream_data = word;
            top->load_stream_we = 1;
            tick();
            top->load_stream_we = 0;
        } else if (cmd == "C") {
            uint64_t pe, count;
            std::cin >> pe >> count;
            top->load_pe = pe;
            top->load_count_data = count;
            top->load_count_we = 1;
            tick();
            top->load_count_we = 0;
        } else if (cmd == "X") {
            uint64_t col, value;
            std::cin >> col >> value;
            top->load_x_addr = col;
            top->load_x_data = value;
            top->load_x_we = 1;
            tick();
            top->load_x_we = 0;
        } else if (cmd == "R") {
            uint64_t shift, hold;
            std::cin >> shift >> hold;
            top->shift = shift;
            top->start = 1;
            tick();  // edge 1 samples start
            top->shift = 0;  // sampled with start: later values must not matter
            int busy = top->busy;
            uint64_t n = 1;
            while (!top->done) {
                if (n >= hold) top->start = 0;
                tick();
                ++n;
                if (n > 100000000ull) {
                    std::printf("timeout\n");
                    return 1;
                }
            }
            std::printf("cycles %llu %llu busy_after_start %d busy_at_done %d\n",
                        (unsigned long long)n, (unsigned long long)top->cycles, busy,
                        (int)top->busy);
        } else if (cmd == "Q") {
            uint64_t pe, row;
            std::cin >> pe >> row;
            top->result_pe = pe;
            top->result_addr = row;
            tick();
            top->result_pe = 0;  // the answer must not follow later address changes
            top->result_addr = 0;
            top->eval();
            std::printf("result %llu\n", (unsigned long long)top->result_data);
        } else if (cmd == "A") {
            uint64_t shift, n;
            std::cin >> shift >> n;
            top->shift = shift;
            top->start = 1;
            tick();
            top->start = 0;
            for (uint64_t i = 1; i < n; ++i) tick();
            top->reset = 1;
            tick();
            top->reset = 0;
            if (top->busy || top->done || top->cycles) {
                std::printf("reset left busy=%d done=%d cycles=%llu\n", (int)top->busy,
                            (int)top->done, (unsigned long long)top->cycles);
                return 1;
            }
        } else {
            std::printf("bad command %s\n", cmd.c_str());
            return 1;
        }
    }
    std::fflush(stdout);
    top->final();
    delete top;
    return 0;
}
