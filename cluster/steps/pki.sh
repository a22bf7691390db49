# shellcheck shell=bash
# up.sh's step: certificates and kubeconfigs. Sourced, not executed.
# shellcheck source=common.sh
declare -F start_proc >/dev/null || source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

gen_cert() { # NAME CN O [SAN]: a key and a certificate signed by the cluster CA
  local name="$1" cn="$2" o="$3" san="${4:-}" subj ext
  [[ -s "$PKI/$name.crt" ]] && return 0
  subj="/CN=$cn"
  [[ -n "$o" ]] && subj="/O=$o$subj"
  ext="$PKI/$name.ext"
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    if [[ -n "$san" ]]; then
      echo "extendedKeyUsage=serverAuth,clientAuth"
      echo "subjectAltName=$san"
    else
      echo "extendedKeyUsage=clientAuth"
    fi
  } >"$ext"
  openssl genrsa -out "$PKI/$name.key" 2048 2>/dev/null
  openssl req -new -key "$PKI/$name.key" -subj "$subj" -out "$PKI/$name.csr" 2>/dev/null
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
    -days 3650 -sha256 -extfile "$ext" -out "$PKI/$name.crt" 2>/dev/null ||
    rg_die "openssl could not sign the $name certificate (in $PKI)"
  rm -f "$PKI/$name.csr" "$ext"
}

make_pki() {
  if [[ ! -s "$PKI/ca.crt" ]]; then
    rg_log "creating certificates in $PKI"
    openssl genrsa -out "$PKI/ca.key" 2048 2>/dev/null
    openssl req -x509 -new -nodes -key "$PKI/ca.key" -subj "/CN=replicagroup-local-ca" -days 3650 -sha256 \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
      -out "$PKI/ca.crt" 2>/dev/null || rg_die "openssl could not create the CA (in $PKI)"
  fi
  local d="$RG_CLUSTER_DOMAIN"
  gen_cert apiserver kube-apiserver "" \
    "DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.$d,DNS:localhost,DNS:$RG_NODE_NAME,IP:$RG_KUBERNETES_SVC_IP,IP:$RG_NODE_IP,IP:127.0.0.1"
  gen_cert apiserver-kubelet-client kube-apiserver-kubelet-client system:masters
  gen_cert admin admin system:masters
  gen_cert kubelet-client "system:node:$RG_NODE_NAME" system:nodes
  gen_cert kubelet-server "system:node:$RG_NODE_NAME" system:nodes "DNS:$RG_NODE_NAME,DNS:localhost,IP:$RG_NODE_IP,IP:127.0.0.1"
  gen_cert controller-manager system:kube-controller-manager ""
  gen_cert scheduler system:kube-scheduler ""
  gen_cert kube-proxy system:kube-proxy system:node-proxier
  if [[ ! -s "$PKI/sa.key" ]]; then
    openssl genrsa -out "$PKI/sa.key" 2048 2>/dev/null
    openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
  fi
  chmod 600 "$PKI"/*.key
}

make_kubeconfig() { # FILE CERTNAME USER
  local f="$1" cert="$2" user="$3"
  [[ -s "$f" ]] && return 0
  "$KUBECTL" --kubeconfig "$f.tmp" config set-cluster replicagroup --server="$API_URL" \
    --certificate-authority="$PKI/ca.crt" --embed-certs=true >/dev/null
  "$KUBECTL" --kubeconfig "$f.tmp" config set-credentials "$user" \
    --client-certificate="$PKI/$cert.crt" --client-key="$PKI/$cert.key" --embed-certs=true >/dev/null
  "$KUBECTL" --kubeconfig "$f.tmp" config set-context replicagroup --cluster=replicagroup --user="$user" >/dev/null
  "$KUBECTL" --kubeconfig "$f.tmp" config use-context replicagroup >/dev/null
  chmod 600 "$f.tmp" && mv "$f.tmp" "$f"
}
