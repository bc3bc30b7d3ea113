"use client";

import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { apiFetch } from "@/lib/client/api";
import { countSamples } from "@/lib/client/local-dataset";
import {
  copyServerToDevice,
  deleteServerSamples,
  deviceSampleCount,
  serverSampleCount,
  setDeviceOnly,
  switchErrorMessage,
  uploadDeviceToServer,
  type SwitchScene,
} from "./storage-switch";
import type { DatasetView } from "./types";

type Dialogs = "toDevice" | "toServer" | null;

/**
 * Says plainly where the training data is, and switches "Keep training data on this device only"
 * after a confirmation that explains what happens to the examples already stored.
 */
export function StoragePanel({
  projectId,
  scene,
  mode,
  refreshKey,
  onSwitched,
  onChanged,
}: {
  projectId: string;
  scene: SwitchScene;
  mode: "server" | "device";
  /** Changes whenever the dataset changed, so the counts below are re-read. */
  refreshKey: number;
  onSwitched: (mode: "server" | "device", notice: string) => void;
  /** Examples moved without switching (the leftovers banners). */
  onChanged: (notice: string) => void;
}) {
  const t = useTranslations("data");
  const te = useTranslations("errors");
  const [serverCount, setServerCount] = useState(0);
  const [deviceCount, setDeviceCount] = useState(0);
  const [dialog, setDialog] = useState<Dialogs>(null);
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const busy = progress !== null;

  useEffect(() => {
    let live = true;
    void Promise.all([serverSampleCount(projectId), deviceSampleCount(projectId)]).then(([s, d]) => {
      if (!live) return;
      setServerCount(s);
      setDeviceCount(d);
    });
    return () => {
      live = false;
    };
  }, [projectId, mode, refreshKey]);

  async function run(work: () => Promise<void>) {
    setError(null);
    setDialog(null);
    setProgress({ done: 0, total: 0 });
    try {
      await work();
    } catch (e) {
      setError(t("errors.switchFailed", { message: switchErrorMessage(e, te("network")) }));
    } finally {
      setProgress(null);
    }
  }

  const onProgress = (done: number, total: number) => setProgress({ done, total });

  async function deviceStoreWorks(): Promise<boolean> {
    try {
      await countSamples(projectId);
      return true;
    } catch {
      setError(t("errors.storageUnavailable"));
      return false;
    }
  }

  /** Turn on device-only storage; `move` copies the server's examples here and deletes them there. */
  function toDevice(move: boolean) {
    void run(async () => {
      if (!(await deviceStoreWorks())) return;
      let copied: string[] = [];
      if (move) {
        const view = await apiFetch<{ dataset: DatasetView }>(`/api/projects/${projectId}/dataset`);
        copied = await copyServerToDevice(projectId, view.ok ? view.data.dataset.schema : null, onProgress);
      }
      await setDeviceOnly(projectId, true);
      if (copied.length) await deleteServerSamples(projectId, copied);
      onSwitched("device", copied.length ? t("movedToDevice", { count: copied.length }) : t("switchedToDevice"));
    });
  }

  function toServer() {
    void run(async () => {
      await setDeviceOnly(projectId, false);
      const report = await uploadDeviceToServer(projectId, scene, onProgress);
      onSwitched("server", report.failed ? `${t("switchedToServer")} ${t("notUploaded", { count: report.failed })}` : t("switchedToServer"));
    });
  }

  function moveLeftoversHere() {
    void run(async () => {
      if (!(await deviceStoreWorks())) return;
      const copied = await copyServerToDevice(projectId, null, onProgress);
      await deleteServerSamples(projectId, copied);
      onChanged(t("movedToDevice", { count: copied.length }));
    });
  }

  function uploadLeftovers() {
    void run(async () => {
      const report = await uploadDeviceToServer(projectId, scene, onProgress);
      onChanged(report.failed ? t("notUploaded", { count: report.failed }) : t("added", { added: report.uploaded, skipped: 0 }));
    });
  }

  const device = mode === "device";
  return (
    <section className="space-y-2 rounded-xl border border-slate-200 bg-white p-3 text-sm" aria-label={t("deviceOnlyToggle")} data-testid="storage-panel">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <p data-testid="data-location" data-mode={mode}>
          <span className="font-medium">{device ? `📱 ${t("whereDevice")}` : `🔒 ${t("whereServer")}`}</span>
          <span className="block text-slate-600">{device ? t("whereDeviceDetail") : t("whereServerDetail")}</span>
        </p>
        <label className="flex shrink-0 cursor-pointer items-center gap-2 font-medium">
          <input
            type="checkbox"
            role="switch"
            className="h-4 w-4 accent-brand-600"
            checked={device}
            disabled={busy}
            onChange={() => setDialog(device ? "toServer" : "toDevice")}
            data-testid="device-only-toggle"
          />
          {t("deviceOnlyToggle")}
        </label>
      </div>

      {progress ? (
        <p role="status" className="text-slate-700" data-testid="storage-progress">
          {t("switching", { done: progress.done, total: progress.total })}
        </p>
      ) : null}
      {error ? (
        <p role="alert" className="text-red-700">
          {error}
        </p>
      ) : null}

      {device && serverCount > 0 && !busy ? (
        <p className="flex flex-wrap items-center gap-2 rounded-lg bg-amber-50 p-2 text-amber-900" data-testid="left-on-server">
          {t("leftOnServer", { count: serverCount })}
          <Button size="sm" variant="secondary" onClick={moveLeftoversHere}>
            {t("moveThemHere")}
          </Button>
        </p>
      ) : null}
      {!device && deviceCount > 0 && !busy ? (
        <p className="flex flex-wrap items-center gap-2 rounded-lg bg-amber-50 p-2 text-amber-900" data-testid="left-on-device">
          {t("leftOnDevice", { count: deviceCount })}
          <Button size="sm" variant="secondary" onClick={uploadLeftovers}>
            {t("uploadThem")}
          </Button>
        </p>
      ) : null}

      <Dialog open={dialog === "toDevice"} onOpenChange={(o) => !o && setDialog(null)} title={t("toDeviceTitle")} description={t("toDeviceBody")}>
        {serverCount > 0 ? (
          <div className="space-y-3">
            <p className="text-sm text-slate-700">{t("toDeviceServerHas", { count: serverCount })}</p>
            <div className="flex flex-col gap-2">
              <Button onClick={() => toDevice(true)} data-testid="move-to-device">
                {t("moveToDevice")}
              </Button>
              <Button variant="secondary" onClick={() => toDevice(false)} data-testid="keep-on-server">
                {t("keepOnServer")}
              </Button>
              <p className="text-xs text-slate-500">{t("keepOnServerHint")}</p>
              <Button variant="ghost" onClick={() => setDialog(null)}>
                {t("cancel")}
              </Button>
            </div>
          </div>
        ) : (
          <div className="flex gap-2">
            <Button onClick={() => toDevice(false)} data-testid="confirm-device-only">
              {t("turnOn")}
            </Button>
            <Button variant="secondary" onClick={() => setDialog(null)}>
              {t("cancel")}
            </Button>
          </div>
        )}
      </Dialog>

      <Dialog open={dialog === "toServer"} onOpenChange={(o) => !o && setDialog(null)} title={t("toServerTitle")} description={t("toServerBody", { count: deviceCount })}>
        <div className="flex gap-2">
          <Button onClick={toServer} data-testid="confirm-server">
            {t("uploadAndSwitch")}
          </Button>
          <Button variant="secondary" onClick={() => setDialog(null)}>
            {t("cancel")}
          </Button>
        </div>
      </Dialog>
    </section>
  );
}
