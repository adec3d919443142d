//! Compile-time behaviour of `network!`: what compiles, and the exact error
//! (message and caret) of every mistake the checker catches.

#[test]
#[cfg_attr(miri, ignore)]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass/*.rs");
    cases.compile_fail("tests/ui/fail/*/*.rs");
}
