#!/usr/bin/env python3
# How often an MTA waits for mailguard-milter per message, and how long the
# milter protocol alone takes (docs/performance.md, "mailguard-milter"):
#
#   python3 bench/milter-roundtrips.py SOCKET N
#
# SOCKET: a running milter's unix socket (a config whose dsn and
# queue_directory lead nowhere: the end of message then answers at once,
# without a database). A stand-in for the MTA offers the protocol options
# Postfix 3.7 offers, follows what the milter negotiates (skipped stages,
# no-reply stages), and sends N messages of the sendmail path: MAIL, one
# RCPT, 10 headers, the end of message. Prints the negotiated flags, the
# replies waited for per message, and the per-message time p50/p99.
import socket, struct, sys, time
sock, n = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_UNIX); s.connect(sock)
def send(cmd, data=b''): s.sendall(struct.pack('>I', len(data) + 1) + cmd + data)
def recv():
    hdr = b''
    while len(hdr) < 4: hdr += s.recv(4 - len(hdr))
    ln = struct.unpack('>I', hdr)[0]; d = b''
    while len(d) < ln: d += s.recv(ln - len(d))
    return d[:1], d[1:]
send(b'O', struct.pack('>III', 6, 0x1ff, 0x1fffff))
c, d = recv(); ver, act, proto = struct.unpack('>III', d[:12])
waits = 0
def ask(cmd, data, noreply=False):
    global waits
    send(cmd, data)
    if noreply: return
    waits += 1
    while True:
        c, _ = recv()
        if c in (b'c', b'a', b't', b'r', b'y', b'd'): return
send(b'D', b'C{daemon_addr}\x00127.0.0.1\x00')
ask(b'C', b'localhost\x004\x00\x00127.0.0.1\x00', proto & 0x1000)   # port 0: the sendmail path
hdrs = [(b'Received', b'by x (Postfix, from userid 1001) id Q'), (b'From', b'a@b'), (b'To', b'c@d'), (b'Subject', b'x'),
        (b'Message-ID', b'<1@x>'), (b'MIME-Version', b'1.0'), (b'Date', b'now'), (b'Content-Type', b'text/plain'),
        (b'Content-Transfer-Encoding', b'8bit'), (b'X-Mailer', b'y')]
t0 = time.perf_counter(); lat = []
for i in range(n):
    t = time.perf_counter(); waits = 0
    ask(b'M', b'<a@b>\x00', proto & 0x4000)
    ask(b'R', b'<c@d>\x00', proto & 0x8000)
    if not proto & 0x200: ask(b'T', b'', proto & 0x10000)
    for k, v in hdrs: ask(b'L', k + b'\x00' + v + b'\x00', proto & 0x80)
    if not proto & 0x40: ask(b'N', b'', proto & 0x40000)
    if not proto & 0x10: ask(b'B', b'body\r\n', proto & 0x80000)
    send(b'D', b'Ei\x00Q%d\x00' % i)
    ask(b'E', b'')
    lat.append(time.perf_counter() - t)
lat.sort()
print('protocol flags 0x%x; MTA waits per message: %d; p50 %.3f ms, p99 %.3f ms over %d messages' % (proto, waits, lat[n // 2] * 1000, lat[int(n * .99)] * 1000, n))
