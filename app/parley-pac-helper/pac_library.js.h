#pragma once
// The standard PAC helper functions written in JavaScript (the ones that need
// no system access), evaluated before the PAC script. dnsResolve, myIpAddress,
// the Microsoft *Ex functions and sortIpAddressList are native (main.cpp).
// Written for Parley (not copied from a browser); the semantics follow the
// Netscape PAC description and Microsoft's IPv6 extensions.

namespace parley::pac {

inline constexpr const char* kPacLibrary = R"JS(
function __pacNow() {
  return typeof __parleyNowMs === 'number' ? new Date(__parleyNowMs) : new Date();
}
function isPlainHostName(host) {
  host = String(host);
  return host.indexOf('.') < 0 && host.indexOf(':') < 0;
}
function dnsDomainIs(host, domain) {
  host = String(host).toLowerCase();
  domain = String(domain).toLowerCase();
  return host.length >= domain.length &&
      host.substring(host.length - domain.length) === domain;
}
function localHostOrDomainIs(host, hostdom) {
  host = String(host).toLowerCase();
  hostdom = String(hostdom).toLowerCase();
  return host === hostdom || hostdom.lastIndexOf(host + '.', 0) === 0;
}
function dnsDomainLevels(host) {
  return String(host).split('.').length - 1;
}
function isResolvable(host) {
  return dnsResolve(host) !== null;
}
function isResolvableEx(host) {
  return dnsResolveEx(host) !== '';
}
function __ipv4ToNumber(text) {
  var m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(String(text));
  if (m === null) return null;
  var n = 0;
  for (var i = 1; i <= 4; i++) {
    var part = parseInt(m[i], 10);
    if (part > 255) return null;
    n = n * 256 + part;
  }
  return n;
}
function isInNet(host, pattern, mask) {
  var addr = __ipv4ToNumber(host);
  if (addr === null) {
    var resolved = dnsResolve(host);
    if (resolved === null) return false;
    addr = __ipv4ToNumber(resolved);
    if (addr === null) return false;
  }
  var p = __ipv4ToNumber(pattern);
  var m = __ipv4ToNumber(mask);
  if (p === null || m === null) return false;
  // Unsigned 32-bit arithmetic without bit operators (those are signed).
  var a = addr, b = p, out = true;
  for (var bit = 31; bit >= 0; bit--) {
    var v = Math.pow(2, bit);
    var ma = m >= v; if (ma) m -= v;
    var aa = a >= v; if (aa) a -= v;
    var bb = b >= v; if (bb) b -= v;
    if (ma && aa !== bb) out = false;
  }
  return out;
}
function shExpMatch(str, pattern) {
  var re = String(pattern).replace(/[.+^${}()|[\]\\\/]/g, '\\$&')
      .replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp('^' + re + '$').test(String(str));
}
var __pacDays = {SUN: 0, MON: 1, TUE: 2, WED: 3, THU: 4, FRI: 5, SAT: 6};
var __pacMonths = {JAN: 0, FEB: 1, MAR: 2, APR: 3, MAY: 4, JUN: 5, JUL: 6, AUG: 7, SEP: 8,
                   OCT: 9, NOV: 10, DEC: 11};
function __pacArgs(args) {
  var a = Array.prototype.slice.call(args);
  var gmt = a.length > 0 && String(a[a.length - 1]).toUpperCase() === 'GMT';
  if (gmt) a.pop();
  return {a: a, gmt: gmt, now: __pacNow()};
}
function weekdayRange() {
  var x = __pacArgs(arguments);
  if (x.a.length < 1 || x.a.length > 2) return false;
  var day = x.gmt ? x.now.getUTCDay() : x.now.getDay();
  var d1 = __pacDays[String(x.a[0]).toUpperCase()];
  if (d1 === undefined) return false;
  if (x.a.length === 1) return day === d1;
  var d2 = __pacDays[String(x.a[1]).toUpperCase()];
  if (d2 === undefined) return false;
  return d1 <= d2 ? (d1 <= day && day <= d2) : (day >= d1 || day <= d2);
}
function dateRange() {
  var x = __pacArgs(arguments);
  var n = x.a.length;
  if (n < 1 || n > 6) return false;
  var now = {d: x.gmt ? x.now.getUTCDate() : x.now.getDate(),
             m: x.gmt ? x.now.getUTCMonth() : x.now.getMonth(),
             y: x.gmt ? x.now.getUTCFullYear() : x.now.getFullYear()};
  // Each argument is a day (1-31), a month name or a year (four digits).
  function parse(list) {
    var out = {};
    for (var i = 0; i < list.length; i++) {
      var v = list[i];
      var month = __pacMonths[String(v).toUpperCase()];
      if (month !== undefined) { if ('m' in out) return null; out.m = month; continue; }
      var num = typeof v === 'number' ? v : parseInt(String(v), 10);
      if (isNaN(num)) return null;
      if (num >= 1 && num <= 31) { if ('d' in out) return null; out.d = num; continue; }
      if (num >= 1000) { if ('y' in out) return null; out.y = num; continue; }
      return null;
    }
    return out;
  }
  function key(fields, of) {
    return ('y' in fields ? of.y * 10000 : 0) + ('m' in fields ? of.m * 100 : 0) +
        ('d' in fields ? of.d : 0);
  }
  if (n % 2 === 1) {
    var one = parse(x.a);
    if (one === null) return false;
    return key(one, one) === key(one, now);
  }
  var lo = parse(x.a.slice(0, n / 2));
  var hi = parse(x.a.slice(n / 2));
  if (lo === null || hi === null) return false;
  for (var f in lo) if (!(f in hi)) return false;
  for (var g in hi) if (!(g in lo)) return false;
  var k1 = key(lo, lo), k2 = key(hi, hi), k = key(lo, now);
  return k1 <= k2 ? (k1 <= k && k <= k2) : (k >= k1 || k <= k2);
}
function timeRange() {
  var x = __pacArgs(arguments);
  var a = [];
  for (var i = 0; i < x.a.length; i++) {
    var v = parseInt(String(x.a[i]), 10);
    if (isNaN(v)) return false;
    a.push(v);
  }
  var h = x.gmt ? x.now.getUTCHours() : x.now.getHours();
  var m = x.gmt ? x.now.getUTCMinutes() : x.now.getMinutes();
  var s = x.gmt ? x.now.getUTCSeconds() : x.now.getSeconds();
  var now, start, end, exclusive = false;
  if (a.length === 1) return h === a[0];
  if (a.length === 2) { now = h; start = a[0]; end = a[1]; exclusive = true; }
  else if (a.length === 4) { now = h * 60 + m; start = a[0] * 60 + a[1]; end = a[2] * 60 + a[3]; }
  else if (a.length === 6) {
    now = h * 3600 + m * 60 + s; start = a[0] * 3600 + a[1] * 60 + a[2];
    end = a[3] * 3600 + a[4] * 60 + a[5];
  } else return false;
  var beforeEnd = exclusive ? now < end : now <= end;
  if (start === end && exclusive) return now === start;
  return start <= end ? (start <= now && beforeEnd) : (now >= start || beforeEnd);
}
function getClientVersion() {
  return '1.0';
}
)JS";

}  // namespace parley::pac
