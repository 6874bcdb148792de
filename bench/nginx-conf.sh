# Sourced by bench/gateway.sh and bench/gateway-cpu.sh: the two nginx configurations both
# measure with, written in one place so that both compare against the very same reference.
#
#   nginx_upstream_conf WORK PORT BODY   the upstream: 1 worker, answers BODY from memory, no log
#   nginx_proxy_conf WORK DIR PORT UP    Debian's nginx as a city would run it in front of UP:
#                                        2 workers (one per core), an upstream keep-alive pool,
#                                        HTTP/1.1 upstream, X-Request-Id and X-Forwarded-For
#                                        set, a buffered access log in DIR
# Each prints the configuration; WORK holds nginx's temporary files.

nginx_user_line() {
  if [ "$(id -u)" -eq 0 ]; then echo "user root;"; fi
}

# Temporary paths and client keep-alive. No `access_log` here: `access_log off` cancels every
# other access_log directive of its level, so it would silence the proxy's log too.
nginx_common_http() { # WORK
  echo "client_body_temp_path $1/tmp; proxy_temp_path $1/tmp;
  fastcgi_temp_path $1/tmp; uwsgi_temp_path $1/tmp; scgi_temp_path $1/tmp;
  keepalive_requests 1000000; keepalive_timeout 60s;"
}

nginx_upstream_conf() { # WORK PORT BODY
  cat <<EOF
$(nginx_user_line)
worker_processes 1;
pid $1/upstream.pid;
error_log stderr warn;
events { worker_connections 8192; }
http {
  $(nginx_common_http "$1")
  access_log off;
  server {
    listen 127.0.0.1:$2 backlog=4096;
    location / { default_type application/json; return 200 '$3'; }
  }
}
EOF
}

nginx_proxy_conf() { # WORK DIR PORT UP_PORT
  cat <<EOF
$(nginx_user_line)
worker_processes 2;
pid $2/nginx.pid;
error_log stderr warn;
events { worker_connections 8192; }
http {
  $(nginx_common_http "$1")
  access_log $2/access.log combined buffer=64k flush=1s;
  upstream app { server 127.0.0.1:$4; keepalive 128; keepalive_requests 1000000; }
  server {
    listen 127.0.0.1:$3 backlog=4096;
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Request-Id \$request_id;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
    }
  }
}
EOF
}
