// OpenSSL's libcrypto: SHA-256 for manifests (EVP, the non-deprecated interface).
#include <openssl/evp.h>
#include <openssl/opensslv.h>
