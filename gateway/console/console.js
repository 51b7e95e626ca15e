// The gateway's development query console: sends the query to /graphql as JSON with the
// pasted token and shows the answer as it came. Nothing is loaded from elsewhere.
const $ = (id) => document.getElementById(id);
const ENDPOINT = new URL('graphql', document.baseURI).pathname;

for (const id of ['token', 'clock', 'query', 'variables']) {
  const kept = sessionStorage.getItem(`console.${id}`);
  if (kept !== null) $(id).value = kept;
  $(id).addEventListener('input', () => sessionStorage.setItem(`console.${id}`, $(id).value));
}

async function send(query, variables) {
  const headers = { 'content-type': 'application/json' };
  const token = $('token').value.trim();
  if (token) headers.authorization = `Bearer ${token}`;
  const clock = $('clock').value.trim();
  if (clock) headers['x-hub-clock'] = clock;
  $('status').textContent = 'running…';
  const started = Date.now();
  const res = await fetch(ENDPOINT, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const body = await res.text();
  $('status').textContent = `HTTP ${res.status}, ${Date.now() - started} ms`;
  try {
    return JSON.parse(body);
  } catch {
    return { errors: [{ message: body }] };
  }
}

$('run').addEventListener('click', async () => {
  let variables;
  try {
    variables = JSON.parse($('variables').value || '{}');
  } catch {
    $('result').textContent = 'The variables are not valid JSON.';
    return;
  }
  $('result').textContent = JSON.stringify(await send($('query').value, variables), null, 2);
});

$('types').addEventListener('click', async () => {
  const res = await send('{ __schema { types { name kind description } } }', {});
  const types = res.data?.__schema?.types?.filter((t) => !t.name.startsWith('__'));
  $('result').textContent = types
    ? types.map((t) => `${t.kind.padEnd(13)} ${t.name}${t.description ? `  ${t.description}` : ''}`).join('\n')
    : JSON.stringify(res, null, 2);
});
