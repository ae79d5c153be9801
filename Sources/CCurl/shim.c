#include "CCurl.h"
#include <pthread.h>

static pthread_once_t sb_global_once = PTHREAD_ONCE_INIT;
static CURLcode sb_global_result = CURLE_FAILED_INIT;

static void sb_global_init_once(void) { sb_global_result = curl_global_init(CURL_GLOBAL_DEFAULT); }

CURLcode sb_global_init(void) {
    pthread_once(&sb_global_once, sb_global_init_once);
    return sb_global_result;
}

CURLcode sb_easy_setopt_long(CURL *easy, CURLoption option, long value) {
    return curl_easy_setopt(easy, option, value);
}

CURLcode sb_easy_setopt_off_t(CURL *easy, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(easy, option, value);
}

CURLcode sb_easy_setopt_string(CURL *easy, CURLoption option, const char *value) {
    return curl_easy_setopt(easy, option, value);
}

CURLcode sb_easy_setopt_pointer(CURL *easy, CURLoption option, void *value) {
    return curl_easy_setopt(easy, option, value);
}

CURLcode sb_easy_setopt_slist(CURL *easy, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(easy, option, value);
}

CURLcode sb_easy_setopt_data_callback(CURL *easy, CURLoption option, sb_data_callback callback) {
    return curl_easy_setopt(easy, option, callback);
}

CURLcode sb_easy_getinfo_long(CURL *easy, CURLINFO info, long *value) {
    return curl_easy_getinfo(easy, info, value);
}

CURLcode sb_easy_getinfo_off_t(CURL *easy, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(easy, info, value);
}

CURLcode sb_easy_getinfo_pointer(CURL *easy, CURLINFO info, void **value) {
    return curl_easy_getinfo(easy, info, value);
}

CURLMcode sb_multi_setopt_long(CURLM *multi, CURLMoption option, long value) {
    return curl_multi_setopt(multi, option, value);
}
