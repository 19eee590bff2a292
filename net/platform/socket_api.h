#pragma once
// The BSD socket API: Winsock 2 on Windows, the POSIX headers elsewhere.
// Code that calls getaddrinfo, inet_pton, getsockname or setsockopt includes
// this instead of <sys/socket.h>, <netdb.h> or <arpa/inet.h>, and names a
// socket handle NativeSocket (SOCKET is 64 bits wide on Win64; an int fd
// would cut it). Winsock itself is started by Asio's winsock_init, which
// every executable that opens a socket links in.

#include <cstdint>

#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#else
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#endif

namespace parley::net {

#ifdef _WIN32
using NativeSocket = SOCKET;
using SockLen = int;
#else
using NativeSocket = int;
using SockLen = socklen_t;
#endif

}  // namespace parley::net
