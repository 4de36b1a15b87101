// A loopback S3 endpoint for the S3 section that answers the three multipart calls and discards the bytes:
// CreateMultipartUpload, UploadPart, CompleteMultipartUpload (path-style, XML as in the S3 API reference,
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateMultipartUpload.html). Nothing is written to
// disk, so the bench measures the client and not a storage emulator. Prints its port on stdout.
const http = require('node:http');

let uploads = 0;
const server = http.createServer((request, response) => {
  const url = new URL(request.url, 'http://sink');
  const [, bucket, ...key] = url.pathname.split('/');
  const xml = (body) => {
    response.writeHead(200, { 'content-type': 'application/xml', 'x-amz-request-id': `sink-${uploads}` });
    response.end(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`);
  };
  let bytes = 0;
  request.on('data', (chunk) => (bytes += chunk.length));
  request.on('end', () => {
    if (request.method === 'POST' && url.searchParams.has('uploads')) {
      uploads += 1;
      return xml(
        `<InitiateMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${key.join('/')}</Key><UploadId>upload-${uploads}</UploadId></InitiateMultipartUploadResult>`,
      );
    }
    if (request.method === 'PUT' && url.searchParams.has('partNumber')) {
      response.writeHead(200, { etag: `"part-${url.searchParams.get('partNumber')}-${bytes}"` });
      return response.end();
    }
    if (request.method === 'POST' && url.searchParams.has('uploadId')) {
      return xml(
        `<CompleteMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${key.join('/')}</Key><ETag>"whole-${uploads}"</ETag></CompleteMultipartUploadResult>`,
      );
    }
    response.writeHead(501);
    response.end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
