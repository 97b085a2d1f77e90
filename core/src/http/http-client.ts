import got, { type Got, type OptionsInit, type Response } from 'got';
import { HttpError } from '../errors.js';
import type { HttpClient, HttpRequestOptions, HttpResponse } from '../plugin-api.js';

/**
 * Turns a got instance into the {@link HttpClient} schemes use. The got instance carries the
 * retry, timeout and redaction hooks; this adapter only maps options and answers.
 */
export function createHttpClient(instance: Got = got): HttpClient {
  return {
    async request(options: HttpRequestOptions): Promise<HttpResponse> {
      const init: OptionsInit = {
        method: (options.method ?? 'GET').toUpperCase() as OptionsInit['method'],
        headers: options.headers,
        throwHttpErrors: false,
      };
      if (options.searchParams) init.searchParams = options.searchParams;
      if (options.json !== undefined) init.json = options.json;
      if (options.form) init.form = options.form;
      if (options.body !== undefined) init.body = options.body;
      const response = (await instance(String(options.url), { ...init, responseType: 'text' })) as Response<string>;
      const method = init.method ?? 'GET';
      const url = response.url;
      const body = response.body;
      const answer: HttpResponse = {
        status: response.statusCode,
        url,
        headers: response.headers,
        body,
        json<T>(): T {
          try {
            return JSON.parse(body) as T;
          } catch {
            throw new HttpError(`${method} ${url} answered ${response.statusCode} with a body that is not JSON.`, {
              status: response.statusCode,
              method,
              url,
            });
          }
        },
      };
      if ((options.throwHttpErrors ?? true) && (response.statusCode < 200 || response.statusCode > 299)) {
        throw new HttpError(`${method} ${url} failed with status ${response.statusCode}.`, {
          status: response.statusCode,
          method,
          url,
        });
      }
      return answer;
    },
  };
}
