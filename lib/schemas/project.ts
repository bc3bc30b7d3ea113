import { z } from "zod";
import { INTERFACE_IDS, validateSceneChoice } from "@/lib/scenes";

export const PROJECT_NAME_MAX = 80;
export const PROJECT_DESCRIPTION_MAX = 500;

export const projectNameSchema = z
  .string({ error: "errors.projectNameRequired" })
  .trim()
  .min(1, { error: "errors.projectNameRequired" })
  .max(PROJECT_NAME_MAX, { error: "errors.projectNameTooLong" });

export const createProjectSchema = z
  .object({
    name: projectNameSchema,
    description: z.string().trim().max(PROJECT_DESCRIPTION_MAX, { error: "errors.descriptionTooLong" }).optional().default(""),
    scene: z.string({ error: "errors.sceneRequired" }).min(1, { error: "errors.sceneRequired" }),
    modelType: z.string({ error: "errors.modelTypeRequired" }).min(1, { error: "errors.modelTypeRequired" }),
    interfaces: z.array(z.enum(INTERFACE_IDS, { error: "errors.interfaceUnsupported" })).max(INTERFACE_IDS.length),
  })
  .superRefine((v, ctx) => {
    const problem = validateSceneChoice(v.scene, v.modelType, v.interfaces);
    const map = {
      "unknown-scene": ["scene", "errors.sceneUnknown"],
      "unknown-model-type": ["modelType", "errors.modelTypeUnknown"],
      "no-interface": ["interfaces", "errors.interfaceRequired"],
      "unsupported-interface": ["interfaces", "errors.interfaceUnsupported"],
    } as const;
    if (problem) ctx.addIssue({ code: "custom", path: [map[problem][0]], message: map[problem][1] });
  });

export const updateProjectSchema = z
  .object({
    name: projectNameSchema.optional(),
    description: z.string().trim().max(PROJECT_DESCRIPTION_MAX, { error: "errors.descriptionTooLong" }).optional(),
  })
  .refine((v) => v.name !== undefined || v.description !== undefined, { error: "errors.nothingToUpdate" });

export type CreateProjectInput = z.input<typeof createProjectSchema>;
export type UpdateProjectInput = z.input<typeof updateProjectSchema>;
