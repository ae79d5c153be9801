#ifndef SWITCHBOARD_CCURL_H
#define SWITCHBOARD_CCURL_H

/* Typed, non-variadic wrappers over libcurl: Swift cannot call C variadic functions, and a few
   of curl's constants are macros too complex for the Swift importer. */

#include <curl/curl.h>

/* The data callback shape shared by CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION. */
typedef size_t (*sb_data_callback)(char *data, size_t size, size_t count, void *context);

/* curl_global_init(CURL_GLOBAL_DEFAULT) exactly once per process; returns its result. */
CURLcode sb_global_init(void);

CURLcode sb_easy_setopt_long(CURL *easy, CURLoption option, long value);
CURLcode sb_easy_setopt_off_t(CURL *easy, CURLoption option, curl_off_t value);
CURLcode sb_easy_setopt_string(CURL *easy, CURLoption option, const char *value);
CURLcode sb_easy_setopt_pointer(CURL *easy, CURLoption option, void *value);
CURLcode sb_easy_setopt_slist(CURL *easy, CURLoption option, struct curl_slist *value);
CURLcode sb_easy_setopt_data_callback(CURL *easy, CURLoption option, sb_data_callback callback);

CURLcode sb_easy_getinfo_long(CURL *easy, CURLINFO info, long *value);
CURLcode sb_easy_getinfo_off_t(CURL *easy, CURLINFO info, curl_off_t *value);
CURLcode sb_easy_getinfo_pointer(CURL *easy, CURLINFO info, void **value);

CURLMcode sb_multi_setopt_long(CURLM *multi, CURLMoption option, long value);

/* Macro values the Swift importer cannot see. */
static const long SB_CURLPAUSE_CONT = CURLPAUSE_CONT;
static const size_t SB_CURL_WRITEFUNC_PAUSE = CURL_WRITEFUNC_PAUSE;
static const long SB_CURLPIPE_MULTIPLEX = CURLPIPE_MULTIPLEX;

#endif
