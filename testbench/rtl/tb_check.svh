// Checks for the RTL testbenches: count, report with file and line, and a verdict that ctest reads (the exit
// status of vvp is 1 after $fatal).
int tb_checks = 0;
int tb_errors = 0;

// Formal names that cannot occur in the message text (Icarus substitutes macro arguments inside strings).
`define TB_EQ(a_, e_, w_) \
  begin \
    tb_checks++; \
    if ((a_) !== (e_)) begin \
      tb_errors++; \
      $display("FAIL %s:%0d: %s: got 'h%0h, want 'h%0h", `__FILE__, `__LINE__, w_, a_, e_); \
    end \
  end

`define TB_DONE \
  begin \
    if (tb_errors != 0 || tb_checks == 0) $fatal(1, "%0d of %0d checks failed", tb_errors, tb_checks); \
    $display("PASS: %0d checks", tb_checks); \
    $finish; \
  end
