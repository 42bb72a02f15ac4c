// Keeps cp_test_support non-empty when tests/support has no other sources.
