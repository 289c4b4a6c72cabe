"""A real PostgreSQL server for a test, in a temporary directory: initdb,
pg_ctl start listening only on a Unix socket in that directory (no TCP
port), pg_ctl stop at the end.  The server binaries are Debian's
(/usr/lib/postgresql/N/bin, package postgresql; PG_BINDIR overrides).

    pg = pgserver.start()          # None, with pgserver.why, when it cannot
    uri = pg.create_db("t1")       # postgresql:///t1?host=DIR&user=tidings
    pg.stop()

initdb refuses to run as root: as root the server runs as the postgres
user (or nobody), which owns the directory; clients connect as the
database user "tidings" (trust authentication on the socket)."""
import glob
import os
import pwd
import shutil
import subprocess
import tempfile

why = None


def bindir():
    d = os.environ.get("PG_BINDIR")
    if d:
        return d if os.path.exists(os.path.join(d, "initdb")) else None
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(p.split("/")[4])
                   if p.split("/")[4].isdigit() else 0)
    return os.path.dirname(found[-1]) if found else None


class Server:
    def __init__(self, bin_dir, top, user, settings=""):
        self.bin = bin_dir
        self.top = top
        self.data = os.path.join(top, "data")
        self.sock = top
        self.user = user
        self.settings = settings

    def _as_owner(self, argv):
        if self.user is not None:
            argv = ["runuser", "-u", self.user, "--"] + argv
        return argv

    def run(self, argv, **kw):
        return subprocess.run(self._as_owner(argv), check=True,
                              stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, **kw)

    def uri(self, db):
        return "postgresql:///%s?host=%s&user=tidings" % (db, self.sock)

    def psql(self, db, sql):
        """Runs sql in db; returns its output, unaligned, no headers."""
        r = subprocess.run([os.path.join(self.bin, "psql"), "-X", "-q",
                            "-A", "-t", "-v", "ON_ERROR_STOP=1",
                            "-d", self.uri(db), "-c", sql],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           check=True)
        return r.stdout.decode()

    def create_db(self, name):
        self.psql("postgres", "CREATE DATABASE %s" % name)
        return self.uri(name)

    def start(self):
        """Starts the server (again, after stop)."""
        self.run([os.path.join(self.bin, "pg_ctl"), "-D", self.data, "-w",
                  "-t", "60", "-l", os.path.join(self.top, "log"), "-o",
                  "-c listen_addresses='' -c unix_socket_directories='%s'"
                  " -c max_connections=50 %s" % (self.top, self.settings),
                  "start"])

    def stop(self, mode="fast"):
        subprocess.run(self._as_owner([os.path.join(self.bin, "pg_ctl"),
                                       "-D", self.data, "-m", mode, "-w",
                                       "stop"]),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def close(self):
        self.stop()
        shutil.rmtree(self.top, ignore_errors=True)


# No fsync: test data is thrown away, and a server stopped hard
# (-m immediate) still finds its log in the page cache.  Commits stay
# synchronous: with synchronous_commit=off such a stop loses the last
# transactions, which the tests would see.
FAST = "-c fsync=off -c full_page_writes=off"


def start(settings=FAST):
    """Starts a server; None (with the reason in pgserver.why) when the
    server binaries are missing or it does not start.  settings: more
    postgres -c options (FAST by default)."""
    global why
    b = bindir()
    if b is None:
        why = ("PostgreSQL server binaries not found "
               "(apt-get install postgresql, or set PG_BINDIR)")
        return None
    user = None
    if os.geteuid() == 0:
        for u in ("postgres", "nobody"):
            try:
                pwd.getpwnam(u)
                user = u
                break
            except KeyError:
                pass
    top = tempfile.mkdtemp(prefix="tidings-pg.")
    os.chmod(top, 0o755)
    if user is not None:
        pw = pwd.getpwnam(user)
        os.chown(top, pw.pw_uid, pw.pw_gid)
    s = Server(b, top, user, settings)
    try:
        s.run([os.path.join(b, "initdb"), "-D", s.data, "-U", "tidings",
               "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"])
        s.start()
    except subprocess.CalledProcessError as e:
        why = "PostgreSQL did not start: %s" % e.stdout.decode(
            errors="replace")[-500:]
        s.close()
        return None
    return s
