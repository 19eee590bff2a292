#pragma once
// The BSD socket API: Winsock 2 on Windows, the POSIX headers elsewhere.
// Code that calls getaddrinfo, inet_pton, getsockname or setsockopt includes
// this instead of <sys/socket.h>, <netdb.h> or <arpa/inet.h>, and names a
// socket handle NativeSocket (SOCKET is 64 bits wide on Win64; an int fd
// would cut it). Winsock itself is started by Asio's winsock_init, which
// every executable that opens a socket links in.

#include <cerrno>
#include <cstdint>

#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#else
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

namespace parley::net {

#ifdef _WIN32
using NativeSocket = SOCKET;
using SockLen = int;
#else
using NativeSocket = int;
using SockLen = socklen_t;
#endif

// A socket no child process inherits (Parley starts its PAC helper): the
// close-on-exec flag on POSIX, a non-inheritable handle on Windows. Overlapped
// on Windows, so Asio's I/O completion port can take it.
inline NativeSocket openSocketNoInherit(int family, int type, int protocol) {
#ifdef _WIN32
  return ::WSASocketW(family, type, protocol, nullptr, 0,
                      WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
#else
  return ::socket(family, type | SOCK_CLOEXEC, protocol);
#endif
}

inline bool validSocket(NativeSocket socket) {
#ifdef _WIN32
  return socket != INVALID_SOCKET;
#else
  return socket >= 0;
#endif
}

inline int closeSocket(NativeSocket socket) {
#ifdef _WIN32
  return ::closesocket(socket);
#else
  return ::close(socket);
#endif
}

// Both directions, so the peer sees the end at once even while another
// reference to the socket stays open.
inline int shutdownSocket(NativeSocket socket) {
#ifdef _WIN32
  return ::shutdown(socket, SD_BOTH);
#else
  return ::shutdown(socket, SHUT_RDWR);
#endif
}

// The socket error numbers a connect reports, as curl's CURLINFO_OS_ERRNO
// gives them: errno on POSIX, WSAGetLastError() on Windows.
inline bool connectionRefused(long code) {
#ifdef _WIN32
  return code == WSAECONNREFUSED;
#else
  return code == ECONNREFUSED;
#endif
}

inline bool networkUnreachable(long code) {
#ifdef _WIN32
  return code == WSAENETUNREACH || code == WSAEHOSTUNREACH;
#else
  return code == ENETUNREACH || code == EHOSTUNREACH;
#endif
}

}  // namespace parley::net
