#pragma once
// GssThread: the one io thread on which Negotiate (GSS-API) tries run, because
// gss_init_sec_context can block on KDC and DNS look-ups for seconds. Started
// on first use, shared by every tunnel that needs it (shared_ptr), stopped and
// joined when the last user lets go (the handlers already posted to it run
// first), so nothing survives process exit. See docs/adr/0012.
//
// Users must drop their reference on a thread other than the GSS thread itself
// (tunnels do: they live on the caller's executor).

#include <memory>
#include <thread>

#include <asio/any_io_executor.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>

namespace parley::net {

class GssThread {
 public:
  static std::shared_ptr<GssThread> acquire();

  GssThread();
  ~GssThread();
  GssThread(const GssThread&) = delete;
  GssThread& operator=(const GssThread&) = delete;

  asio::any_io_executor executor() { return io_.get_executor(); }

 private:
  asio::io_context io_{1};
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::thread thread_;
};

}  // namespace parley::net
