# shellcheck shell=bash
# Debian's OpenSSH server for packages/release-manager's config-repo-over-SSH test
# (src/__tests__/remoteSsh.test.ts starts its own /usr/sbin/sshd on a free loopback
# port with its own host key; the system's ssh service is not started or used).
[ -x /usr/sbin/sshd ] || apt_install openssh-server
# openssl makes the TLS certificate of the HTTPS git server in src/__tests__/remoteHttps.test.ts.
command -v openssl >/dev/null || apt_install openssl
