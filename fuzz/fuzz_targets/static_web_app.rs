#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| statuslint_fuzz::lint_as("staticwebapp.config.json", data));
