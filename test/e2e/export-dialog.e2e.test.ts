import { afterEach, beforeEach, expect, it } from 'vitest';
import { screenshot } from './browser.js';
import { describeE2E, logIn, makeProject, openSession, type Session } from './harness.js';

const BOXES = `<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="label" toName="image">
    <Label value="Car"/>
    <Label value="Plane"/>
  </RectangleLabels>
</View>`;

const BOX = {
  id: 'b1',
  from_name: 'label',
  to_name: 'image',
  type: 'rectanglelabels',
  original_width: 640,
  original_height: 480,
  image_rotation: 0,
  value: { x: 10, y: 20, width: 30, height: 40, rotation: 0, rectanglelabels: ['Car'] },
  origin: 'manual',
};

interface Format {
  name: string;
  title: string;
  disabled: boolean;
}

describeE2E('the export dialog', () => {
  let s: Session;
  beforeEach(async () => {
    s = await openSession();
  });
  afterEach(async () => {
    await s?.close();
  });

  it('offers every format the server lists for the config, the unfit ones disabled, and downloads each one it allows', { timeout: 120_000 }, async () => {
    const { page, server } = s;
    const project = await makeProject(server, { config: BOXES, title: 'Boxes', tasks: [{ image: 'https://example.com/cars/1.png' }] });
    expect((await server.api('POST', `/api/tasks/${project.taskIds[0]}/annotations`, { result: [BOX], lead_time: 2 })).status).toBe(201);
    const formats = (await server.api<Format[]>('GET', `/api/projects/${project.id}/export/formats`)).body;
    const allowed = formats.filter((f) => !f.disabled).map((f) => f.name);
    expect(allowed).toEqual(expect.arrayContaining(['JSON', 'CSV', 'COCO', 'YOLO', 'VOC']));

    await logIn(page, server);
    await page.goto(`${server.url}/projects/${project.id}/data`);
    await page.getByRole('button', { name: 'Export' }).click();
    const dialog = page.getByRole('dialog', { name: 'Export data' });
    const radios = dialog.getByRole('radio');
    await expect.poll(() => radios.count()).toBe(formats.length);
    const offered = await radios.evaluateAll((els) => els.map((el) => ({ name: (el as HTMLInputElement).value, disabled: (el as HTMLInputElement).disabled })));
    expect(offered).toEqual(formats.map((f) => ({ name: f.name, disabled: f.disabled })));
    await screenshot(page, 'export-dialog-formats');

    for (const name of allowed) {
      await dialog.locator(`input[value="${name}"]`).check();
      const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Export' }).click()]);
      expect(await download.failure(), name).toBeNull();
      const chunks: Buffer[] = [];
      for await (const c of await download.createReadStream()) chunks.push(Buffer.from(c as Buffer));
      const body = Buffer.concat(chunks);
      expect(body.length, name).toBeGreaterThan(0);
      const extension = /\.(\w+)$/.exec(download.suggestedFilename())?.[1];
      if (name.startsWith('JSON')) expect(JSON.parse(body.toString('utf8')), name).toHaveLength(1);
      else if (name === 'CSV' || name === 'TSV') expect(extension, name).toBe(name.toLowerCase());
      // the image formats are archives: a zip starts with PK
      else expect(body.subarray(0, 2).toString('latin1'), name).toBe('PK');
    }
  });
});
