#include "net/tunnel/gss_thread.h"

#include <mutex>

namespace parley::net {
namespace {
std::mutex g_gss_mutex;
std::weak_ptr<GssThread> g_gss;
}  // namespace

std::shared_ptr<GssThread> GssThread::acquire() {
  std::lock_guard lock(g_gss_mutex);
  if (auto existing = g_gss.lock()) {
    return existing;
  }
  auto created = std::make_shared<GssThread>();
  g_gss = created;
  return created;
}

GssThread::GssThread() : work_(asio::make_work_guard(io_)), thread_([this] { io_.run(); }) {}

GssThread::~GssThread() {
  work_.reset();  // run() returns once the posted clean-ups have run
  if (thread_.joinable()) {
    thread_.join();
  }
}

}  // namespace parley::net
