#include "net/proxy/pac_fetch.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <fstream>
#include <optional>

#include <asio/connect.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <asio/write.hpp>

#include "net/proxy/pac_fetch_curl.h"
#include "net/proxy/text_util.h"

namespace parley::net {
namespace {

using text::lower;

constexpr std::size_t kMaxHeaderSize = 16 * 1024;

// Percent-decoding of a file:// path ("%20" -> " ").
std::string decodePath(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

Result<std::string> readFile(const std::string& path, std::size_t max_size) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return makeError(ErrorCode::NotFound, "cannot open " + path);
  }
  std::string body;
  std::array<char, 16384> chunk{};
  while (in) {
    in.read(chunk.data(), chunk.size());
    body.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
    if (body.size() > max_size) {
      return makeError(ErrorCode::ResponseTooLarge,
                       path + " is larger than " + std::to_string(max_size) + " bytes");
    }
  }
  return body;
}

// Decodes a complete chunked body; nullopt when it is malformed.
std::optional<std::string> dechunk(std::string_view in) {
  std::string out;
  while (true) {
    const auto eol = in.find("\r\n");
    if (eol == std::string_view::npos) {
      return std::nullopt;
    }
    std::string_view size_text = in.substr(0, eol);
    size_text = size_text.substr(0, size_text.find(';'));
    std::size_t size = 0;
    const auto [end, ec] =
        std::from_chars(size_text.data(), size_text.data() + size_text.size(), size, 16);
    if (ec != std::errc() || size > in.size()) {
      return std::nullopt;
    }
    in.remove_prefix(eol + 2);
    if (size == 0) {
      return out;
    }
    if (in.size() < size + 2) {
      return std::nullopt;
    }
    out.append(in.substr(0, size));
    in.remove_prefix(size + 2);
  }
}

}  // namespace

Result<HttpUrl> parseHttpUrl(const std::string& url) {
  const std::string prefix = "http://";
  if (url.size() > 4096 || lower(url.substr(0, prefix.size())) != prefix) {
    return makeError(ErrorCode::InvalidArgument, "not an http:// URL");
  }
  std::string_view rest(url);
  rest.remove_prefix(prefix.size());
  const auto slash = rest.find_first_of("/?#");
  HttpUrl out;
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    out.path = std::string(rest.substr(slash));
    if (out.path.front() != '/') {
      out.path.insert(out.path.begin(), '/');
    }
    out.path = out.path.substr(0, out.path.find('#'));
  }
  if (authority.find('@') != std::string_view::npos) {
    return makeError(ErrorCode::InvalidArgument, "credentials in a PAC URL are not supported");
  }
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) {
      return makeError(ErrorCode::InvalidArgument, "unclosed [ in the PAC URL");
    }
    out.host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') {
        return makeError(ErrorCode::InvalidArgument, "expected :port after ]");
      }
      port_text = authority.substr(close + 2);
    }
  } else {
    const auto colon = authority.find(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
    }
  }
  if (out.host.empty() || out.host.size() > 253 ||
      out.host.find_first_of(" \t\r\n") != std::string::npos) {
    return makeError(ErrorCode::InvalidArgument, "no usable host in the PAC URL");
  }
  if (out.path.find_first_of(" \r\n") != std::string::npos) {
    return makeError(ErrorCode::InvalidArgument, "spaces or line breaks in the PAC URL's path");
  }
  if (!port_text.empty()) {
    unsigned port = 0;
    const auto [end, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 ||
        port > 65535) {
      return makeError(ErrorCode::InvalidArgument, "bad port in the PAC URL");
    }
    out.port = static_cast<std::uint16_t>(port);
  }
  return out;
}

struct PacFetch::State : std::enable_shared_from_this<PacFetch::State> {
  explicit State(const asio::any_io_executor& executor)
      : resolver(executor), socket(executor), deadline(executor) {}

  asio::ip::tcp::resolver resolver;
  asio::ip::tcp::socket socket;
  asio::steady_timer deadline;
  HttpUrl url;
  std::string request;
  std::string data;  // headers and body as received
  std::array<char, 16384> chunk{};
  std::size_t max_size = 0;
  std::size_t header_end = 0;  // offset of the body, once the headers are in
  std::optional<std::size_t> content_length;
  bool chunked = false;
  Done done;
  bool finished = false;
  std::unique_ptr<detail::CurlFetch> curl;  // https:// only

  void finish(Result<std::string> result) {
    if (finished) {
      return;
    }
    finished = true;
    asio::error_code ignored;
    resolver.cancel();
    socket.close(ignored);
    deadline.cancel();
    curl.reset();
    auto callback = std::move(done);
    done = nullptr;
    if (callback) {
      callback(std::move(result));
    }
  }

  void start(std::chrono::milliseconds timeout, const std::vector<asio::ip::address>& addresses) {
    deadline.expires_after(timeout);
    deadline.async_wait([weak = weak_from_this(), timeout](const asio::error_code& ec) {
      auto self = weak.lock();
      if (!ec && self) {
        self->finish(makeError(ErrorCode::TimedOut, "no complete PAC file within " +
                                                        std::to_string(timeout.count()) + " ms"));
      }
    });
    if (!addresses.empty()) {
      std::vector<asio::ip::tcp::endpoint> endpoints;
      for (const auto& address : addresses) {
        endpoints.emplace_back(address, url.port);
      }
      connect(endpoints);
      return;
    }
    resolver.async_resolve(
        url.host, std::to_string(url.port),
        [self = shared_from_this()](const asio::error_code& ec,
                                    const asio::ip::tcp::resolver::results_type& results) {
          if (self->finished) {
            return;
          }
          if (ec) {
            self->finish(makeError(ErrorCode::ResolveFailed,
                                   "cannot resolve " + self->url.host + ": " + ec.message()));
            return;
          }
          self->connect(results);
        });
  }

  template <typename Endpoints>
  void connect(const Endpoints& results) {
    asio::async_connect(
        socket, results,
        [self = shared_from_this()](const asio::error_code& ec, const asio::ip::tcp::endpoint&) {
          if (self->finished) {
            return;
          }
          if (ec) {
            self->finish(makeError(ErrorCode::ConnectFailed,
                                   "cannot connect to " + self->url.host + ": " + ec.message()));
            return;
          }
          self->send();
        });
  }

  void send() {
    const bool v6 = url.host.find(':') != std::string::npos;
    request = "GET " + url.path + " HTTP/1.0\r\nHost: " + (v6 ? "[" + url.host + "]" : url.host) +
              (url.port != 80 ? ":" + std::to_string(url.port) : std::string()) +
              "\r\nUser-Agent: Parley\r\nAccept: application/x-ns-proxy-autoconfig, */*\r\n"
              "Connection: close\r\n\r\n";
    asio::async_write(socket, asio::buffer(request),
                      [self = shared_from_this()](const asio::error_code& ec, std::size_t) {
                        if (self->finished) {
                          return;
                        }
                        if (ec) {
                          self->finish(
                              makeError(ErrorCode::Io, "sending the request: " + ec.message()));
                          return;
                        }
                        self->read();
                      });
  }

  void read() {
    socket.async_read_some(asio::buffer(chunk), [self =
                                                     shared_from_this()](const asio::error_code& ec,
                                                                         std::size_t n) {
      if (self->finished) {
        return;
      }
      self->data.append(self->chunk.data(), n);
      if (auto verdict = self->check(ec == asio::error::eof)) {
        self->finish(std::move(*verdict));
        return;
      }
      if (ec && ec != asio::error::eof) {
        self->finish(makeError(ErrorCode::Io, "reading the PAC file: " + ec.message()));
        return;
      }
      if (ec == asio::error::eof) {
        self->finish(makeError(ErrorCode::Io, "the connection closed early"));
        return;
      }
      self->read();
    });
  }

  // A verdict once the answer is complete or known to be bad; nullopt to
  // keep reading.
  std::optional<Result<std::string>> check(bool eof) {
    if (header_end == 0) {
      const auto end = data.find("\r\n\r\n");
      if (end == std::string::npos) {
        if (data.size() > kMaxHeaderSize) {
          return makeError(ErrorCode::ResponseTooLarge, "HTTP headers larger than 16 KiB");
        }
        return eof ? std::optional<Result<std::string>>(
                         makeError(ErrorCode::Io, "the connection closed in the headers"))
                   : std::nullopt;
      }
      header_end = end + 4;
      if (auto bad = parseHeaders(data.substr(0, end))) {
        return bad;
      }
    }
    const std::size_t body_size = data.size() - header_end;
    const std::size_t limit = chunked ? max_size + max_size / 8 + 1024 : max_size;
    if (body_size > limit) {
      return makeError(ErrorCode::ResponseTooLarge,
                       "the PAC file is larger than " + std::to_string(max_size) + " bytes");
    }
    if (content_length && body_size >= *content_length) {
      return data.substr(header_end, *content_length);
    }
    if (!eof) {
      return std::nullopt;
    }
    if (content_length) {
      return makeError(ErrorCode::Io, "the connection closed before the whole PAC file came");
    }
    if (chunked) {
      auto body = dechunk(std::string_view(data).substr(header_end));
      if (!body) {
        return makeError(ErrorCode::Io, "malformed chunked PAC file");
      }
      if (body->size() > max_size) {
        return makeError(ErrorCode::ResponseTooLarge,
                         "the PAC file is larger than " + std::to_string(max_size) + " bytes");
      }
      return std::move(*body);
    }
    return data.substr(header_end);
  }

  std::optional<Result<std::string>> parseHeaders(const std::string& head) {
    // "HTTP/1.x 200 ..."
    if (head.size() < 12 || head.compare(0, 5, "HTTP/") != 0) {
      return makeError(ErrorCode::Io, "not an HTTP answer");
    }
    const std::string status = head.substr(9, 3);
    if (status != "200") {
      return makeError(ErrorCode::NotFound, "HTTP status " + status);
    }
    std::size_t pos = head.find("\r\n");
    while (pos != std::string::npos && pos + 2 < head.size()) {
      const auto next = head.find("\r\n", pos + 2);
      const std::string line =
          head.substr(pos + 2, next == std::string::npos ? std::string::npos : next - pos - 2);
      pos = next;
      const auto colon = line.find(':');
      if (colon == std::string::npos) {
        continue;
      }
      const std::string name = lower(line.substr(0, colon));
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(" \t"));
      value.erase(value.find_last_not_of(" \t") + 1);
      if (name == "content-length") {
        std::size_t length = 0;
        const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), length);
        if (ec == std::errc::result_out_of_range) {
          length = static_cast<std::size_t>(-1);
        } else if (ec != std::errc() || end != value.data() + value.size()) {
          return makeError(ErrorCode::Io, "bad Content-Length");
        }
        if (length > max_size) {
          return makeError(ErrorCode::ResponseTooLarge, "the PAC file is " + value +
                                                            " bytes, more than " +
                                                            std::to_string(max_size));
        }
        content_length = length;
      } else if (name == "transfer-encoding" && lower(value).find("chunked") != std::string::npos) {
        chunked = true;
      }
    }
    if (chunked) {
      content_length.reset();
    }
    return std::nullopt;
  }
};

std::unique_ptr<PacFetch> PacFetch::start(const asio::any_io_executor& executor,
                                          const std::string& url, std::chrono::milliseconds timeout,
                                          Done done, std::size_t max_size,
                                          const std::vector<asio::ip::address>& addresses) {
  auto state = std::make_shared<State>(executor);
  state->done = std::move(done);
  state->max_size = max_size;
  auto self = std::unique_ptr<PacFetch>(new PacFetch(state));
  const std::string scheme = lower(url.substr(0, url.find("://")));
  if (scheme == "file") {
    // file:///path or file://localhost/path: read now, answer on the loop.
    std::string path = url.substr(7);
    if (path.rfind("localhost/", 0) == 0) {
      path = path.substr(9);
    }
    auto body = path.empty() || path.front() != '/'
                    ? Result<std::string>(makeError(ErrorCode::InvalidArgument,
                                                    "file:// PAC URLs need an absolute path"))
                    : readFile(decodePath(path), max_size);
    asio::post(executor,
               [state, body = std::move(body)]() mutable { state->finish(std::move(body)); });
    return self;
  }
  if (scheme == "https") {
    state->curl =
        detail::CurlFetch::start(executor, url, timeout, max_size,
                                 [weak = std::weak_ptr<State>(state)](Result<std::string> body) {
                                   if (auto s = weak.lock()) {
                                     s->finish(std::move(body));
                                   }
                                 });
    return self;
  }
  auto parsed = parseHttpUrl(url);
  if (!parsed) {
    asio::post(executor, [state, error = parsed.error()]() mutable {
      state->finish(makeError(std::move(error)));
    });
    return self;
  }
  state->url = std::move(parsed).value();
  state->start(timeout, addresses);
  return self;
}

PacFetch::~PacFetch() {
  try {
    state_->done = nullptr;
    state_->finish(makeError(ErrorCode::Cancelled, "cancelled"));
  } catch (...) {  // NOLINT(bugprone-empty-catch): nothing to do in a destructor
  }
}

}  // namespace parley::net
