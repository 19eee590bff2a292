#!/usr/bin/env python3
"""Drive org.freedesktop.portal.ScreenCast on the current session bus and grab frames via PipeWire.
Usage: screencast.py [--persist N] [--restore TOKEN] [--frames N] [--out DIR] [--grabber gst|c|none]"""
import argparse, os, subprocess, sys, time, json
import dbus
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

ap = argparse.ArgumentParser()
ap.add_argument('--persist', type=int, default=None)   # persist_mode: 0 no, 1 while app runs, 2 until revoked
ap.add_argument('--restore', default=None)             # restore_token from a previous Start
ap.add_argument('--frames', type=int, default=5)
ap.add_argument('--out', default='/tmp/wayland-spike/frames')
ap.add_argument('--grabber', default='gst')
ap.add_argument('--expect', default=None)  # PPM the frame must equal
ap.add_argument('--expect-bg', default=None)  # image file that sway shows as that PPM
ap.add_argument('--change', nargs='*', default=[])
ap.add_argument('--timeout', type=float, default=20)
a = ap.parse_args()

DBusGMainLoop(set_as_default=True)
bus = dbus.SessionBus()
loop = GLib.MainLoop()
PORTAL, PATH = 'org.freedesktop.portal.Desktop', '/org/freedesktop/portal/desktop'
SC = 'org.freedesktop.portal.ScreenCast'
t0 = time.monotonic()
def log(*x): print('%7.3fs' % (time.monotonic() - t0), *x, flush=True)

try:
    obj = bus.get_object(PORTAL, PATH)
except dbus.DBusException as e:
    log('PORTAL_MISSING', e.get_dbus_name(), e.get_dbus_message()); sys.exit(3)
props = dbus.Interface(obj, 'org.freedesktop.DBus.Properties')
try:
    allp = props.GetAll(SC)
except dbus.DBusException as e:
    log('SCREENCAST_INTERFACE_MISSING', e.get_dbus_name(), e.get_dbus_message()); sys.exit(4)
version = int(allp.get('version', 0))
src_types = int(allp.get('AvailableSourceTypes', 0))
cur_modes = int(allp.get('AvailableCursorModes', 0))
log('ScreenCast version=%d AvailableSourceTypes=%d AvailableCursorModes=%d' % (version, src_types, cur_modes))
sc = dbus.Interface(obj, SC)

sender = bus.get_unique_name()[1:].replace('.', '_')
counter = [0]
def request(method, *args, options):
    """Call a portal method that returns a Request handle; wait for its Response signal."""
    counter[0] += 1
    token = 'parley%d_%d' % (os.getpid(), counter[0])
    req_path = '/org/freedesktop/portal/desktop/request/%s/%s' % (sender, token)
    result = {}
    def on_response(code, results):
        result['code'] = int(code); result['results'] = results; loop.quit()
    # Subscribe BEFORE calling, to avoid racing the Response.
    match = bus.add_signal_receiver(on_response, 'Response', 'org.freedesktop.portal.Request', PORTAL, req_path)
    options = dict(options); options['handle_token'] = token
    handle = getattr(sc, method)(*args, dbus.Dictionary(options, signature='sv'))
    assert str(handle) == req_path, (handle, req_path)
    tid = GLib.timeout_add(int(a.timeout * 1000), lambda: (result.setdefault('code', -1), loop.quit()))
    loop.run()
    GLib.source_remove(tid) if result.get('code') != -1 else None
    match.remove()
    log('%s -> response %s %s' % (method, result['code'], dict(result.get('results', {}))))
    return result['code'], result.get('results', {})

code, res = request('CreateSession', options={'session_handle_token': 'parleysess%d' % os.getpid()})
if code != 0: log('FAIL CreateSession', code); sys.exit(10 + code)
session = res['session_handle']

opts = {'types': dbus.UInt32(1), 'multiple': False}   # 1=MONITOR 2=WINDOW 4=VIRTUAL
if cur_modes & 2: opts['cursor_mode'] = dbus.UInt32(2)  # 1 hidden, 2 embedded, 4 metadata
if version >= 4 and a.persist is not None: opts['persist_mode'] = dbus.UInt32(a.persist)
if version >= 4 and a.restore: opts['restore_token'] = a.restore
code, res = request('SelectSources', dbus.ObjectPath(session), options=opts)
if code != 0: log('FAIL SelectSources', code); sys.exit(10 + code)

code, res = request('Start', dbus.ObjectPath(session), '', options={})
if code != 0: log('FAIL Start (1=user cancelled, 2=other error)', code); sys.exit(10 + code)
streams = res.get('streams', [])
restore_token = res.get('restore_token')
log('streams:', [(int(n), {str(k): (list(map(int, v)) if isinstance(v, dbus.Struct) else (int(v) if isinstance(v, (dbus.UInt32, dbus.Int32)) else str(v))) for k, v in p.items()}) for n, p in streams])
log('restore_token:', restore_token, 'persist_mode:', res.get('persist_mode'))
node = int(streams[0][0])

fd_obj = sc.OpenPipeWireRemote(dbus.ObjectPath(session), dbus.Dictionary({}, signature='sv'))
fd = fd_obj.take()
log('OpenPipeWireRemote fd=%d node=%d' % (fd, node))

rc = 0
if a.grabber == 'gst':
    os.makedirs(a.out, exist_ok=True)
    cmd = ['nice', 'gst-launch-1.0', '-v', 'pipewiresrc', 'fd=%d' % fd, 'path=%d' % node, 'num-buffers=%d' % a.frames,
           'always-copy=true', '!', 'videoconvert', '!', 'pngenc', '!', 'multifilesink', 'location=%s/frame-%%02d.png' % a.out]
    log('running', ' '.join(cmd))
    p = subprocess.run(cmd, pass_fds=[fd], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60)
    rc = p.returncode
    for line in p.stdout.splitlines():
        if 'caps = video' in line and 'pipewiresrc' in line or 'ERROR' in line or 'Got EOS' in line or 'Execution ended' in line: log('gst:', line.strip()[:300])
    log('gst rc', rc)
elif a.grabber == 'c':
    cmd = ['nice', '/tmp/wayland-spike/pwgrab', str(fd), str(node), str(a.frames), a.out + '/cframe', '15'] + ([a.expect] if a.expect else [])
    log('running', ' '.join(cmd))
    p = subprocess.Popen(cmd, pass_fds=[fd])
    # The screen is static: wlr-screencopy only delivers a new frame on damage, so change it.
    for img in a.change:
        time.sleep(1.0)
        log('changing background to', img)
        subprocess.run(['swaymsg', 'output', 'HEADLESS-1', 'bg', img, 'stretch'], stdout=subprocess.DEVNULL)
    if a.expect_bg:   # re-show the expected image every 0.5 s until pwgrab sees a matching frame
        for i in range(20):
            try: p.wait(timeout=0.5); break
            except subprocess.TimeoutExpired: pass
            log('nudge: re-setting background', a.expect_bg)
            subprocess.run(['swaymsg', 'output', 'HEADLESS-1', 'bg', a.expect_bg, 'stretch'], stdout=subprocess.DEVNULL)
    rc = p.wait(timeout=60)
    log('pwgrab rc', rc)
os.close(fd)
dbus.Interface(bus.get_object(PORTAL, session), 'org.freedesktop.portal.Session').Close()
log('session closed')
print('RESULT', json.dumps({'node': node, 'restore_token': str(restore_token) if restore_token else None, 'grab_rc': rc}))
sys.exit(0 if rc == 0 else 1)
