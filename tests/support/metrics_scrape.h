#pragma once
// Reading a running parleyd's Prometheus metrics in integration tests: one
// HTTP GET over loopback, and the value of one sample line.

#include <cstdint>
#include <string>

namespace parley::test {

// The whole HTTP reply (status line, headers, body) to GET `path`.
std::string scrapeMetrics(std::uint16_t port, const std::string& path = "/metrics");

// The value of one sample line ("name{labels} value"), or -1 when absent.
long long metricSample(const std::string& text, const std::string& series);

// The metrics port parleyd wrote to its ports file (the fixture's dir).
std::uint16_t metricsPort(const std::string& server_dir);

}  // namespace parley::test
