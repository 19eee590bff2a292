#include "net/tunnel/tunnel_failure.h"

#include "net/platform/socket_api.h"

namespace parley::net {
namespace {

const char* socksReplyMeaning(long code) {
  switch (code) {
    case CURLPX_REPLY_GENERAL_SERVER_FAILURE:
      return "general SOCKS server failure (reply 1)";
    case CURLPX_REPLY_NOT_ALLOWED:
      return "connection not allowed by ruleset (reply 2)";
    case CURLPX_REPLY_NETWORK_UNREACHABLE:
      return "network unreachable (reply 3)";
    case CURLPX_REPLY_HOST_UNREACHABLE:
      return "host unreachable (reply 4)";
    case CURLPX_REPLY_CONNECTION_REFUSED:
      return "connection refused by the destination (reply 5)";
    case CURLPX_REPLY_TTL_EXPIRED:
      return "TTL expired (reply 6)";
    case CURLPX_REPLY_COMMAND_NOT_SUPPORTED:
      return "command not supported (reply 7)";
    case CURLPX_REPLY_ADDRESS_TYPE_NOT_SUPPORTED:
      return "address type not supported (reply 8)";
    case CURLPX_REPLY_UNASSIGNED:
      return "unassigned reply code";
    case CURLPX_REQUEST_FAILED:
      return "request rejected or failed";
    default:
      return nullptr;
  }
}

}  // namespace

std::string targetHostPort(const TunnelRequest& request) {
  const bool v6 = request.target_host.find(':') != std::string::npos;
  return (v6 ? "[" + request.target_host + "]" : request.target_host) + ":" +
         std::to_string(request.target_port);
}

Error describeTryFailure(const TryOutcome& outcome, const TunnelRequest& request, bool tcp_seen) {
  const std::string proxy = proxyHostPort(request.proxy);
  const std::string target = targetHostPort(request);
  if (outcome.headers_too_large) {
    return {ErrorCode::ProxyProtocolError,
            "proxy " + proxy + " sent more than 64 KiB of reply headers"};
  }
  if (outcome.connect_code == 407) {
    return {ErrorCode::ProxyAuthRequired, "proxy " + proxy + " requires authentication"};
  }
  if (outcome.connect_code == 403) {
    return {ErrorCode::ProxyRefused,
            "proxy " + proxy + " refused to connect to " + target + " (403 Forbidden)"};
  }
  if (outcome.connect_code >= 100 || (!outcome.status_line.empty() && outcome.code != CURLE_OK)) {
    return {ErrorCode::TunnelFailed, "proxy " + proxy + " could not open a tunnel to " + target +
                                         ": " + outcome.status_line};
  }
  if (request.proxy.kind == ProxyKind::Http && outcome.status_line.empty() &&
      !outcome.first_line.empty()) {
    return {ErrorCode::ProxyProtocolError, "proxy " + proxy +
                                               " did not answer as an HTTP proxy (it sent \"" +
                                               outcome.first_line + "\")"};
  }
  const std::string curl_text =
      outcome.error_text.empty() ? curl_easy_strerror(outcome.code) : outcome.error_text;
  switch (outcome.code) {
    case CURLE_COULDNT_RESOLVE_PROXY:
      return {ErrorCode::ResolveFailed, "proxy name " + request.proxy.host + " does not resolve"};
    case CURLE_COULDNT_RESOLVE_HOST:
      return {ErrorCode::ResolveFailed, request.target_host + " does not resolve"};
    case CURLE_COULDNT_CONNECT:
      if (connectionRefused(outcome.os_errno)) {
        return {ErrorCode::ConnectionRefused, "proxy " + proxy + " refused the connection"};
      }
      if (networkUnreachable(outcome.os_errno)) {
        return {ErrorCode::NetworkUnreachable, "proxy " + proxy + " is unreachable"};
      }
      return {ErrorCode::ConnectFailed, "could not connect to proxy " + proxy + ": " + curl_text};
    case CURLE_OPERATION_TIMEDOUT:
      if (tcp_seen || outcome.tcp_connected) {
        return {ErrorCode::TimedOut, "proxy " + proxy +
                                         " accepted the connection but did not answer within " +
                                         std::to_string(request.timeout.count()) + " ms"};
      }
      return {ErrorCode::TimedOut, "no connection to proxy " + proxy + " within " +
                                       std::to_string(request.timeout.count()) + " ms"};
    case CURLE_PROXY: {
      const long px = outcome.proxy_error;
      if (const char* meaning = socksReplyMeaning(px)) {
        return {ErrorCode::SocksRejected,
                "SOCKS proxy " + proxy + " refused to connect to " + target + ": " + meaning};
      }
      if (px == CURLPX_RESOLVE_HOST) {
        return {ErrorCode::ResolveFailed, request.target_host + " does not resolve"};
      }
      if (px == CURLPX_CLOSED) {
        return {ErrorCode::ProxyProtocolError,
                "SOCKS proxy " + proxy + " closed the connection in the middle of its reply"};
      }
      if (px == CURLPX_LONG_HOSTNAME || px == CURLPX_LONG_USER || px == CURLPX_LONG_PASSWD) {
        return {ErrorCode::InvalidArgument, "SOCKS: " + curl_text};
      }
      return {ErrorCode::ProxyProtocolError,
              "SOCKS proxy " + proxy + " sent a malformed or truncated reply: " + curl_text};
    }
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return {ErrorCode::ProxyProtocolError,
              "proxy " + proxy + " did not answer as an HTTP proxy: " + curl_text};
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
      return {ErrorCode::ConnectionClosed,
              "proxy " + proxy + " closed the connection without answering: " + curl_text};
    default:
      return {ErrorCode::TunnelFailed, "tunnel through proxy " + proxy + " failed: " + curl_text +
                                           " (curl error " +
                                           std::to_string(static_cast<int>(outcome.code)) + ")"};
  }
}

}  // namespace parley::net
