import CCurl
import SwitchboardCore

/// What the loop knew about a transfer when curl failed it, to name the failure precisely.
struct CurlFailureContext {
    var connected: Bool
    var headReceived: Bool
    var timeouts: TimeoutPolicy
}

extension TransportError {
    /// Maps a curl result to a typed failure. The detail comes from curl's fixed error texts,
    /// which never contain the URL, headers or body.
    static func curl(_ code: CURLcode, _ context: CurlFailureContext) -> TransportError {
        let text = "\(String(cString: curl_easy_strerror(code))) (curl \(code.rawValue))"
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return TransportError(.dns, text)
        case CURLE_COULDNT_CONNECT:
            return TransportError(.connectionRefused, text)
        case CURLE_OPERATION_TIMEDOUT:
            if !context.connected {
                return TransportError(.timeout, "timed out connecting (connect timeout \(context.timeouts.connect.roundedUpMilliseconds) ms)")
            }
            if let total = context.timeouts.total {
                return TransportError(.timeout, "total timeout of \(total.roundedUpMilliseconds) ms exceeded")
            }
            return TransportError(.timeout, text)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED,
            CURLE_SSL_ENGINE_INITFAILED, CURLE_USE_SSL_FAILED, CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_CRL_BADFILE,
            CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS,
            CURLE_SSL_CLIENTCERT:
            return TransportError(.tls, text)
        case CURLE_PARTIAL_FILE:
            return TransportError(.truncated, text)
        case CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_HTTP2, CURLE_HTTP2_STREAM, CURLE_GOT_NOTHING:
            // The connection broke: once the head is in, what is missing is part of the body.
            return TransportError(context.headReceived ? .truncated : .other, text)
        case CURLE_ABORTED_BY_CALLBACK:
            return TransportError(.cancelled, text)
        default:
            return TransportError(.other, text)
        }
    }
}
