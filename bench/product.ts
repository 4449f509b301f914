/** The key and product definition the benchmark's servers share. */
export const BENCH_KEY = "bench-basic-key-0123456789";

/** The product the benchmark's koogate serves at /produce/bench. */
export const BENCH_PRODUCT_YAML = [
  "id: bench",
  "name: Benchmark product",
  "kind: saas",
  "adapter: BenchSaasAdapter",
  "keys:",
  "  basic: [BENCH_BASIC_KEY]",
  "  kit: [BENCH_KIT_KEY]",
  "",
].join("\n");

export const BENCH_LICENSE_KEY = "bench-license-key-0123456789";

/** The code-variant License listing whose relay the benchmark checks, at /licenses/bench-license/check. */
export const BENCH_LICENSE_YAML = [
  "id: bench-license",
  "name: Benchmark licence relay",
  "kind: license",
  "variant: code",
  "adapter: DemoLicenseAdapter",
  "keys:",
  "  license: [BENCH_LICENSE_KEY]",
  // one load generator on one address: the per-address limit would be the benchmark
  "relay:",
  "  productIds: [OFFI846204237451911168]",
  "  perAddressPerMinute: 1000000000",
  "  perCodePerMinute: 1000000000",
  // 200 codes are activated at once before the load: the budget of unseen codes would refuse most of them
  "  unknownCodesPerMinute: 1000000",
  "",
].join("\n");
