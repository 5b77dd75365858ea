/** The live camera: rear camera preferred, switching between cameras, capturing a frame. */

const messages: Record<string, string> = {
  NotAllowedError: 'Camera access was denied. You can still upload, paste or drop a photo.',
  NotFoundError: 'No camera was found on this device.',
  NotReadableError: 'The camera is in use by another app.',
  OverconstrainedError: 'This camera cannot be used.',
  SecurityError: 'The camera needs a secure (https) page.',
};

function cameraError(error: unknown): string {
  const name = error instanceof DOMException ? error.name : '';
  return messages[name] ?? `The camera could not start: ${(error as Error).message}`;
}

export class Camera {
  #stream = $state.raw<MediaStream | null>(null);
  #cameras = $state.raw<MediaDeviceInfo[]>([]);
  #deviceId = $state<string | null>(null);
  #starting = $state(false);
  #error = $state<string | null>(null);

  get stream() {
    return this.#stream;
  }
  get starting() {
    return this.#starting;
  }
  get error() {
    return this.#error;
  }
  readonly canSwitch = $derived(this.#cameras.length > 1);
  readonly supported = typeof navigator !== 'undefined' && !!navigator.mediaDevices?.getUserMedia;

  /** Opens a camera: the given one, else the rear one when the device has it. */
  async open(deviceId: string | null = null): Promise<void> {
    this.close();
    this.#error = null;
    if (!this.supported) {
      this.#error = messages.SecurityError;
      return;
    }
    this.#starting = true;
    try {
      const video: MediaTrackConstraints = deviceId
        ? { deviceId: { exact: deviceId } }
        : { facingMode: { ideal: 'environment' } };
      video.width = { ideal: 1920 };
      video.height = { ideal: 1080 };
      const stream = await navigator.mediaDevices.getUserMedia({ video, audio: false });
      this.#stream = stream;
      this.#deviceId = stream.getVideoTracks()[0]?.getSettings().deviceId ?? deviceId;
      // Labels and the full list are only available once permission is granted.
      const devices = await navigator.mediaDevices.enumerateDevices();
      this.#cameras = devices.filter((d) => d.kind === 'videoinput');
    } catch (error) {
      this.#error = cameraError(error);
    } finally {
      this.#starting = false;
    }
  }

  /** Moves to the next camera in the device's list. */
  async switchCamera(): Promise<void> {
    const cameras = this.#cameras;
    if (cameras.length < 2) return;
    const at = cameras.findIndex((c) => c.deviceId === this.#deviceId);
    await this.open(cameras[(at + 1) % cameras.length].deviceId);
  }

  close(): void {
    for (const track of this.#stream?.getTracks() ?? []) track.stop();
    this.#stream = null;
  }

  /**
   * Grabs the current video frame, to transfer to the worker as it is: no JPEG round trip (the
   * worker sends back the picture to show).
   */
  async capture(video: HTMLVideoElement): Promise<ImageBitmap> {
    if (!this.#stream || video.videoWidth === 0) throw new Error('The camera is not ready yet.');
    // The track's next frame where the browser can grab one: `createImageBitmap(video)` waits
    // for a frame the page has shown, and in Chromium 156 sometimes never settled (2 captures
    // in 6 with its fake camera: the shutter did nothing).
    const [track] = this.#stream.getVideoTracks();
    if (track && typeof ImageCapture === 'function') return new ImageCapture(track).grabFrame();
    return createImageBitmap(video);
  }
}
